#include "manage_libpq.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

struct manage_libpq_functions manage_libpq;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[512];
static int loaded = -1;

static void load(void) {
  const char *names[] = {"libpq.so.5", "libpq.so", "libpq.5.dylib", "libpq.dylib"};
  void *library = NULL;
  for (size_t i = 0; i < sizeof names / sizeof names[0] && library == NULL; i++) library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    snprintf(failure, sizeof failure, "cannot load libpq, the PostgreSQL client library (%s)", dlerror());
    return;
  }
#define RESOLVE(name)                                                                   \
  do {                                                                                  \
    *(void **)&manage_libpq.name = dlsym(library, #name);                               \
    if (manage_libpq.name == NULL) {                                                    \
      snprintf(failure, sizeof failure, "libpq has no %s; it is too old", #name);       \
      return;                                                                           \
    }                                                                                   \
  } while (0)
  RESOLVE(PQconnectdbParams); RESOLVE(PQstatus); RESOLVE(PQerrorMessage); RESOLVE(PQfinish);
  RESOLVE(PQserverVersion); RESOLVE(PQsetNoticeProcessor); RESOLVE(PQparameterStatus); RESOLVE(PQbackendPID);
  RESOLVE(PQtransactionStatus); RESOLVE(PQexec); RESOLVE(PQexecParams); RESOLVE(PQclear); RESOLVE(PQcmdTuples);
  RESOLVE(PQresultStatus); RESOLVE(PQresultErrorField); RESOLVE(PQntuples); RESOLVE(PQnfields); RESOLVE(PQftype);
  RESOLVE(PQfname); RESOLVE(PQgetisnull); RESOLVE(PQgetvalue); RESOLVE(PQgetlength); RESOLVE(PQgetCancel);
  RESOLVE(PQcancel); RESOLVE(PQfreeCancel);
#undef RESOLVE
  loaded = 0;
}

int manage_libpq_load(char *error, size_t size) {
  pthread_once(&once, load);
  if (loaded != 0 && error != NULL && size > 0) snprintf(error, size, "%s", failure);
  return loaded;
}
