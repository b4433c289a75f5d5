/*
 * SHA-256 for the audit ledger's Merkle tree, without node:crypto's per-call cost.
 *
 * The ledger hashes two short inputs per entry (the ~300-byte leaf, and a 65-byte interior node).
 * node:crypto's one-shot hash() spends ~1.2 µs per call here, almost all of it around the digest
 * (fetching the algorithm, a context, a new Buffer); the digest itself is ~0.1–0.3 µs. These
 * functions call the OpenSSL that Node itself links (its headers ship with Node's), write into a
 * buffer the caller gives, and hash a whole page of leaves in one call.
 *
 * Everything here is RFC 6962 hashing with SHA-256; src/audit/sha256.ts checks it against
 * node:crypto and falls back to node:crypto when this addon is not built.
 */
#include <node_api.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>

/* One digest context per JavaScript environment (the main thread and each worker thread). */
typedef struct {
  EVP_MD *md;
  EVP_MD_CTX *ctx;
} Hasher;

static void free_hasher(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Hasher *h = data;
  EVP_MD_CTX_free(h->ctx);
  EVP_MD_free(h->md);
  free(h);
}

static int digest3(Hasher *h, const void *a, size_t an, const void *b, size_t bn, const void *c, size_t cn, unsigned char *out) {
  return EVP_DigestInit_ex(h->ctx, h->md, NULL) == 1 && (an == 0 || EVP_DigestUpdate(h->ctx, a, an) == 1) &&
         (bn == 0 || EVP_DigestUpdate(h->ctx, b, bn) == 1) && (cn == 0 || EVP_DigestUpdate(h->ctx, c, cn) == 1) &&
         EVP_DigestFinal_ex(h->ctx, out, NULL) == 1;
}

/* The bytes of a typed array (Buffer, Uint8Array). Throws and returns 0 when it is not one. */
static int bytes(napi_env env, napi_value v, unsigned char **data, size_t *len) {
  napi_typedarray_type type;
  size_t length;
  void *p;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, &length, &p, &ab, &offset) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "expected a Uint8Array");
    return 0;
  }
  *data = p;
  *len = length;
  return 1;
}

static Hasher *hasher(napi_env env) {
  Hasher *h = NULL;
  napi_get_instance_data(env, (void **)&h);
  return h;
}

static napi_value fail(napi_env env, const char *what) {
  napi_throw_error(env, NULL, what);
  return NULL;
}

static const unsigned char LEAF_PREFIX = 0x00;
static const unsigned char NODE_PREFIX = 0x01;

/* leaf(leaf, out): out[0..32) = SHA-256(0x00 || leaf) */
static napi_value Leaf(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  unsigned char *leaf, *out;
  size_t leafLen, outLen;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2) return fail(env, "leaf(leaf, out)");
  if (!bytes(env, argv[0], &leaf, &leafLen) || !bytes(env, argv[1], &out, &outLen)) return NULL;
  if (outLen < 32) return fail(env, "out is shorter than 32 bytes");
  if (!digest3(hasher(env), &LEAF_PREFIX, 1, leaf, leafLen, NULL, 0, out)) return fail(env, "SHA-256 failed");
  return NULL;
}

/* node(left, right, out): out[0..32) = SHA-256(0x01 || left || right) */
static napi_value Node(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  unsigned char *l, *r, *out;
  size_t ll, rl, outLen;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3) return fail(env, "node(left, right, out)");
  if (!bytes(env, argv[0], &l, &ll) || !bytes(env, argv[1], &r, &rl) || !bytes(env, argv[2], &out, &outLen)) return NULL;
  if (outLen < 32) return fail(env, "out is shorter than 32 bytes");
  if (!digest3(hasher(env), &NODE_PREFIX, 1, l, ll, r, rl, out)) return fail(env, "SHA-256 failed");
  return NULL;
}

/*
 * many(inputs, skip, out): out[32i..32i+32) = SHA-256(inputs[i][skip..]) for every i (inputs: an
 * array of Uint8Arrays, each at least `skip` bytes long).
 */
static napi_value Many(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  unsigned char *out;
  size_t outLen;
  uint32_t n, skip;
  bool isArray = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3) return fail(env, "many(inputs, skip, out)");
  if (napi_is_array(env, argv[0], &isArray) != napi_ok || !isArray) {
    napi_throw_type_error(env, NULL, "inputs must be an array");
    return NULL;
  }
  if (napi_get_value_uint32(env, argv[1], &skip) != napi_ok) {
    napi_throw_type_error(env, NULL, "skip must be a non-negative integer");
    return NULL;
  }
  napi_get_array_length(env, argv[0], &n);
  if (!bytes(env, argv[2], &out, &outLen)) return NULL;
  if (outLen / 32 < n) return fail(env, "out is shorter than 32 bytes per input");
  Hasher *h = hasher(env);
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    unsigned char *data;
    size_t len;
    if (napi_get_element(env, argv[0], i, &el) != napi_ok || !bytes(env, el, &data, &len)) return NULL;
    if (len < skip) return fail(env, "an input is shorter than skip");
    if (!digest3(h, data + skip, len - skip, NULL, 0, NULL, 0, out + 32 * (size_t)i)) return fail(env, "SHA-256 failed");
  }
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  Hasher *h = calloc(1, sizeof(Hasher));
  if (!h) return fail(env, "out of memory");
  h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
  h->ctx = EVP_MD_CTX_new();
  if (!h->md || !h->ctx || napi_set_instance_data(env, h, free_hasher, NULL) != napi_ok) {
    EVP_MD_CTX_free(h->ctx);
    EVP_MD_free(h->md);
    free(h);
    return fail(env, "cannot set up SHA-256");
  }
  napi_property_descriptor props[] = {
    {"leaf", NULL, Leaf, NULL, NULL, NULL, napi_default, NULL},
    {"node", NULL, Node, NULL, NULL, NULL, napi_default, NULL},
    {"many", NULL, Many, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
