// libpq, the C client psycopg (and so Django) uses: the system library from libpq-dev.
#include <libpq-fe.h>
