// The MNIST-class MLP 784-56-10 (ReLU) of bench/bench_infer.c as a circom circuit, the
// Groth16 peer of `zkmlops infer prove` in bench/bench_infer_groth16.sh. (In a
// subdirectory so that tools/gen-r1cs-fixtures.sh, which compiles every
// tools/circuits/*.circom for Goldilocks, leaves it alone: this one is for bn128.)
//
// Statement: logits = MLP_W(x) with the weights W1 [56][784], b1 [56], W2 [10][56], b2 [10]
// PRIVATE and the input x [784] and the output logits [10] PUBLIC, in the fixed-point
// semantics of zk_model_run_fx (docs/model.md, section 2) with every scale 2^12:
//   layer 1: acc[n] = sum_k x[k] W1[n][k] + b1[n] 2^12,  h[n] = ReLU(rescale(acc[n], 12))
//   layer 2: acc[j] = sum_n h[n] W2[j][n] + b2[j] 2^12,  logits[j] = rescale(acc[j], 12)
// where rescale(a, 12) = floor((a + 2^11) / 2^12) (round half up). Every rescale is proved
// (RescaleSigned below): a + 2^11 = q 2^12 + r with the remainder 0 <= r < 2^12 and the
// quotient q in B = 40 signed bits (zkmlops's default act_bits, the width its rescale and
// Relu gadgets prove), both by binary decomposition (circomlib's Num2Bits); the ReLU is
// q times the comparator bit [q >= 0], the top bit of the decomposition of q + 2^39 (the
// construction of circomlib's LessThan, without a second decomposition).
//
// Written for the default bn128 field (254 bits): the decompositions bound |acc| below
// 2^52, far from wrapping modulo p, so they make q and r unique. Needs circomlib (npm) on
// the include path; circom2 (WebAssembly) opens only files under its working directory and
// its parents, so run it inside node_modules: cd node_modules && circom2 PATH --r1cs --wasm -l .
// Constraints: one per product (44,464: the weights are signals, so x[k] * W1[n][k] is
// quadratic even though x is public) + 12 + 40 per rescale + 1 per ReLU.
pragma circom 2.0.0;

include "circomlib/circuits/bitify.circom";

// out = floor((in + 2^(S-1)) / 2^S), proved with 0 <= in + 2^(S-1) - out 2^S < 2^S and
// -2^(B-1) <= out < 2^(B-1); nonneg = [out >= 0].
template RescaleSigned(S, B) {
    signal input in;
    signal output out;
    signal output nonneg;
    var t = in + (1 << (S - 1));
    var q;
    // Witness only: circom compares field elements as signed (values above p/2 are negative).
    if (t < 0) {
        q = -((-t + (1 << S) - 1) \ (1 << S));
    } else {
        q = t \ (1 << S);
    }
    out <-- q;
    signal r;
    r <== in + (1 << (S - 1)) - out * (1 << S);
    component rb = Num2Bits(S);
    rb.in <== r;
    component qb = Num2Bits(B);
    qb.in <== out + (1 << (B - 1));
    nonneg <== qb.out[B - 1];
}

// y = act(rescale(W x + b 2^S, S)), act = ReLU if relu else identity.
template Dense(NI, NO, S, B, relu) {
    signal input x[NI];
    signal input W[NO][NI];
    signal input b[NO];
    signal output y[NO];
    signal prod[NO][NI];
    component rs[NO];
    for (var n = 0; n < NO; n++) {
        var acc = b[n] * (1 << S);
        for (var k = 0; k < NI; k++) {
            prod[n][k] <== x[k] * W[n][k];
            acc += prod[n][k];
        }
        rs[n] = RescaleSigned(S, B);
        rs[n].in <== acc;
        if (relu) {
            y[n] <== rs[n].out * rs[n].nonneg;
        } else {
            y[n] <== rs[n].out;
        }
    }
}

template Mlp(N0, N1, N2, S, B) {
    signal input x[N0];
    signal input W1[N1][N0];
    signal input b1[N1];
    signal input W2[N2][N1];
    signal input b2[N2];
    signal output logits[N2];
    component l1 = Dense(N0, N1, S, B, 1);
    l1.x <== x;
    l1.W <== W1;
    l1.b <== b1;
    component l2 = Dense(N1, N2, S, B, 0);
    l2.x <== l1.y;
    l2.W <== W2;
    l2.b <== b2;
    logits <== l2.y;
}

component main {public [x]} = Mlp(784, 56, 10, 12, 40);
