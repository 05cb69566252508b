// Multiplication chain: t[0] = x, t[i+1] = t[i]^2 + i, y = t[n].
// One R1CS constraint per step: the benchmark family (bench/bench_r1cs.sh
// replaces the size on the `component main` line).
pragma circom 2.0.0;

template MulChain(n) {
    signal input x;
    signal output y;
    signal t[n + 1];
    t[0] <== x;
    for (var i = 0; i < n; i++) {
        t[i + 1] <== t[i] * t[i] + i;
    }
    y <== t[n];
}

component main {public [x]} = MulChain(16);
