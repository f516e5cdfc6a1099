// Package crisismodel is the crisis detector's second reader: a small
// multinomial logistic regression over hashed word and character n-grams,
// trained in pure Go on the labelled phrases under
// flows/testdata/crisis/tuning, that scores a message for four classes
// (crisis, danger, check, safe).
//
// It owns the features, the training and the model file format; the trained
// model is embedded (model.bin.gz) so nothing is loaded from outside at run
// time. flows combines its scores with the rule-based reader; the trainer in
// flows/internal/crisistrain rewrites model.bin.gz (`make crisis-model`).
//
// It is pure: no I/O besides reading its embedded file once, no clock, no
// randomness outside a seeded generator, and it never logs. A Model is
// read-only after it is built and safe for concurrent use. It must not
// import anything from Steady.
package crisismodel
