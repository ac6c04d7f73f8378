// The part of libpq's API manage uses (libpq-fe.h, stable ABI since PostgreSQL 9), called
// through function pointers that manage_libpq_load() resolves with dlopen("libpq.so.5").
//
// Why not link libpq: a program linked with it loads about twenty more shared libraries
// (Kerberos, LDAP, GnuTLS, …) at start, ~8 ms on this machine, which every `manage` command
// would pay, SQLite ones included. Loaded on the first PostgreSQL connection instead, the
// SQLite commands start as fast as before. The wrappers keep libpq's own names and types.
#ifndef MANAGE_LIBPQ_H
#define MANAGE_LIBPQ_H

#include <stddef.h>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;
typedef struct pg_cancel PGcancel;
typedef unsigned int Oid;
typedef void (*PQnoticeProcessor)(void *arg, const char *message);

typedef enum { CONNECTION_OK = 0, CONNECTION_BAD = 1 } ConnStatusType;
typedef enum {
  PGRES_EMPTY_QUERY = 0, PGRES_COMMAND_OK = 1, PGRES_TUPLES_OK = 2, PGRES_COPY_OUT = 3, PGRES_COPY_IN = 4,
  PGRES_BAD_RESPONSE = 5, PGRES_NONFATAL_ERROR = 6, PGRES_FATAL_ERROR = 7
} ExecStatusType;
typedef enum { PQTRANS_IDLE = 0, PQTRANS_ACTIVE = 1, PQTRANS_INTRANS = 2, PQTRANS_INERROR = 3, PQTRANS_UNKNOWN = 4 } PGTransactionStatusType;

struct manage_libpq_functions {
  PGconn *(*PQconnectdbParams)(const char *const *keywords, const char *const *values, int expand_dbname);
  ConnStatusType (*PQstatus)(const PGconn *conn);
  char *(*PQerrorMessage)(const PGconn *conn);
  void (*PQfinish)(PGconn *conn);
  int (*PQserverVersion)(const PGconn *conn);
  PQnoticeProcessor (*PQsetNoticeProcessor)(PGconn *conn, PQnoticeProcessor proc, void *arg);
  const char *(*PQparameterStatus)(const PGconn *conn, const char *paramName);
  int (*PQbackendPID)(const PGconn *conn);
  PGTransactionStatusType (*PQtransactionStatus)(const PGconn *conn);
  PGresult *(*PQexec)(PGconn *conn, const char *query);
  PGresult *(*PQexecParams)(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                            const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat);
  void (*PQclear)(PGresult *res);
  char *(*PQcmdTuples)(PGresult *res);
  ExecStatusType (*PQresultStatus)(const PGresult *res);
  char *(*PQresultErrorField)(const PGresult *res, int fieldcode);
  int (*PQntuples)(const PGresult *res);
  int (*PQnfields)(const PGresult *res);
  Oid (*PQftype)(const PGresult *res, int field_num);
  char *(*PQfname)(const PGresult *res, int field_num);
  int (*PQgetisnull)(const PGresult *res, int tup_num, int field_num);
  char *(*PQgetvalue)(const PGresult *res, int tup_num, int field_num);
  int (*PQgetlength)(const PGresult *res, int tup_num, int field_num);
  PGcancel *(*PQgetCancel)(PGconn *conn);
  int (*PQcancel)(PGcancel *cancel, char *errbuf, int errbufsize);
  void (*PQfreeCancel)(PGcancel *cancel);
};

extern struct manage_libpq_functions manage_libpq;

/// Loads libpq once (thread-safe); 0 when every function resolved, else -1 with the reason in
/// `error` (the library missing, or too old).
int manage_libpq_load(char *error, size_t size);

static inline PGconn *PQconnectdbParams(const char *const *k, const char *const *v, int e) { return manage_libpq.PQconnectdbParams(k, v, e); }
static inline ConnStatusType PQstatus(const PGconn *c) { return manage_libpq.PQstatus(c); }
static inline char *PQerrorMessage(const PGconn *c) { return manage_libpq.PQerrorMessage(c); }
static inline void PQfinish(PGconn *c) { manage_libpq.PQfinish(c); }
static inline int PQserverVersion(const PGconn *c) { return manage_libpq.PQserverVersion(c); }
static inline PQnoticeProcessor PQsetNoticeProcessor(PGconn *c, PQnoticeProcessor p, void *a) { return manage_libpq.PQsetNoticeProcessor(c, p, a); }
static inline const char *PQparameterStatus(const PGconn *c, const char *n) { return manage_libpq.PQparameterStatus(c, n); }
static inline int PQbackendPID(const PGconn *c) { return manage_libpq.PQbackendPID(c); }
static inline PGTransactionStatusType PQtransactionStatus(const PGconn *c) { return manage_libpq.PQtransactionStatus(c); }
static inline PGresult *PQexec(PGconn *c, const char *q) { return manage_libpq.PQexec(c, q); }
static inline PGresult *PQexecParams(PGconn *c, const char *q, int n, const Oid *t, const char *const *v, const int *l, const int *f, int r) {
  return manage_libpq.PQexecParams(c, q, n, t, v, l, f, r);
}
static inline void PQclear(PGresult *r) { manage_libpq.PQclear(r); }
static inline char *PQcmdTuples(PGresult *r) { return manage_libpq.PQcmdTuples(r); }
static inline ExecStatusType PQresultStatus(const PGresult *r) { return manage_libpq.PQresultStatus(r); }
static inline char *PQresultErrorField(const PGresult *r, int f) { return manage_libpq.PQresultErrorField(r, f); }
static inline int PQntuples(const PGresult *r) { return manage_libpq.PQntuples(r); }
static inline int PQnfields(const PGresult *r) { return manage_libpq.PQnfields(r); }
static inline Oid PQftype(const PGresult *r, int f) { return manage_libpq.PQftype(r, f); }
static inline char *PQfname(const PGresult *r, int f) { return manage_libpq.PQfname(r, f); }
static inline int PQgetisnull(const PGresult *r, int t, int f) { return manage_libpq.PQgetisnull(r, t, f); }
static inline char *PQgetvalue(const PGresult *r, int t, int f) { return manage_libpq.PQgetvalue(r, t, f); }
static inline int PQgetlength(const PGresult *r, int t, int f) { return manage_libpq.PQgetlength(r, t, f); }
static inline PGcancel *PQgetCancel(PGconn *c) { return manage_libpq.PQgetCancel(c); }
/// Safe in a signal handler, as libpq documents PQcancel to be.
static inline int PQcancel(PGcancel *c, char *b, int s) { return manage_libpq.PQcancel(c, b, s); }
static inline void PQfreeCancel(PGcancel *c) { manage_libpq.PQfreeCancel(c); }

#endif
