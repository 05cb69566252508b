/* zkmlops model: placeholder until the stage lands (exits 2 with a message). */
#include <stdio.h>

#include "cli/cli.h"

int cmd_model(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "zkmlops model: not implemented yet\n");
    return 2;
}
