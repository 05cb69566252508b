// Many public outputs: y[i] = x[i]^2 + s * i for a private vector x and a
// public input s.
pragma circom 2.0.0;

template ManyOutputs(n) {
    signal input s;
    signal input x[n];
    signal output y[n];
    for (var i = 0; i < n; i++) {
        y[i] <== x[i] * x[i] + s * i;
    }
}

component main {public [s]} = ManyOutputs(64);
