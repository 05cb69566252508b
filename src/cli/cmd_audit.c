/* zkmlops audit: placeholder until the stage lands (exits 2 with a message). */
#include <stdio.h>

#include "cli/cli.h"

int cmd_audit(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "zkmlops audit: not implemented yet\n");
    return 2;
}
