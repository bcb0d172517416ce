/* placeholder: being written */
#include "unpack.h"
const struct unpack_backend unpack_zip = {"zip", 0};
