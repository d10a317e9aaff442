module jgort.dev/bench

go 1.19
