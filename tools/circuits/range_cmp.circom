// Range check and comparator written for a 64-bit field (Goldilocks):
// the circomlib versions assume a 254-bit field (Num2Bits(254), LessThan(252)).
// Proves that the private value a is a 32-bit integer and outputs
// in_range = (lo <= a < hi) for public 32-bit bounds lo, hi.
pragma circom 2.0.0;

template Num2Bits(n) {
    signal input in;
    signal output out[n];
    var acc = 0;
    var pow = 1;
    for (var i = 0; i < n; i++) {
        out[i] <-- (in >> i) & 1;
        out[i] * (out[i] - 1) === 0;
        acc += out[i] * pow;
        pow = pow + pow;
    }
    acc === in;
}

// out = (a < b) for a, b < 2^n; needs 2^(n+1) < p, i.e. n <= 62 here.
template LessThan(n) {
    assert(n <= 62);
    signal input in[2];
    signal output out;
    component bits = Num2Bits(n + 1);
    bits.in <== in[0] + (1 << n) - in[1];
    out <== 1 - bits.out[n];
}

template RangeCmp(n) {
    signal input a;
    signal input lo;
    signal input hi;
    signal output in_range;
    component ra = Num2Bits(n);
    ra.in <== a;
    component rlo = Num2Bits(n);
    rlo.in <== lo;
    component rhi = Num2Bits(n);
    rhi.in <== hi;
    component below = LessThan(n);   // a < lo
    below.in[0] <== a;
    below.in[1] <== lo;
    component under = LessThan(n);   // a < hi
    under.in[0] <== a;
    under.in[1] <== hi;
    in_range <== (1 - below.out) * under.out;
}

component main {public [lo, hi]} = RangeCmp(32);
