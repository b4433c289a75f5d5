{
  "targets": [
    {
      "target_name": "ledger_hash",
      "sources": ["ledger_hash.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
