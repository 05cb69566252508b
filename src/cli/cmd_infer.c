/* zkmlops infer: placeholder until the stage lands (exits 2 with a message). */
#include <stdio.h>

#include "cli/cli.h"

int cmd_infer(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "zkmlops infer: not implemented yet\n");
    return 2;
}
