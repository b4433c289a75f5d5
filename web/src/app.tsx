import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiError } from './api/http';
import { PAGES } from './pages';
import { RequireSession } from './session/require-session';
import { ME_KEY } from './session/session';
import { SignInPage } from './session/sign-in-page';
import { NotFoundPage } from './shell/not-found-page';

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (query.queryKey[0] === ME_KEY[0] || !(error instanceof ApiError)) return;
        // The session ended (expired, logged out elsewhere), or its password must change first: ask again who is signed in.
        if (error.status === 401 || error.code === 'password_change_required') void client.invalidateQueries({ queryKey: ME_KEY });
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        // Refusals and missing things don't get better by asking again.
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
  return client;
}

export function createRouter() {
  return createBrowserRouter([
    { path: '/sign-in', element: <SignInPage /> },
    {
      element: <RequireSession />,
      children: [
        ...PAGES.map((p) => ({ id: p.path, path: p.path, element: <p.component /> })),
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}

export function App({ client, router }: { client: QueryClient; router: ReturnType<typeof createRouter> }) {
  return (
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
