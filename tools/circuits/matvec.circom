// Matrix-vector product y = W x with a private matrix W (rows x cols) and a
// public vector x: one constraint per product W[i][j] * x[j].
pragma circom 2.0.0;

template MatVec(rows, cols) {
    signal input W[rows][cols];
    signal input x[cols];
    signal output y[rows];
    signal prod[rows][cols];
    for (var i = 0; i < rows; i++) {
        var acc = 0;
        for (var j = 0; j < cols; j++) {
            prod[i][j] <== W[i][j] * x[j];
            acc += prod[i][j];
        }
        y[i] <== acc;
    }
}

component main {public [x]} = MatVec(4, 6);
