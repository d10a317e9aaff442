package dev.jgort.api;

import java.util.Arrays;

/**
 * Go's {@code runtime/metrics.Float64Histogram}: {@code counts[i]} values fell in
 * {@code [buckets[i], buckets[i+1])}; {@code buckets} has one more element than {@code counts}, and
 * its first and last may be infinite. The arrays are copies.
 */
public record Float64Histogram(long[] counts, double[] buckets) {
    public Float64Histogram {
        if (buckets.length != counts.length + 1) {
            throw new IllegalArgumentException("buckets must have counts.length + 1 boundaries: "
                    + buckets.length + " for " + counts.length + " counts");
        }
        counts = counts.clone();
        buckets = buckets.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    @Override
    public double[] buckets() {
        return buckets.clone();
    }

    /** The number of values counted. */
    public long total() {
        long n = 0;
        for (long c : counts) n += c;
        return n;
    }

    /**
     * The upper boundary of the bucket that holds the {@code q}-quantile ({@code 0 < q <= 1}), or
     * {@code NaN} when the histogram is empty: an upper estimate, as Go's tools read these histograms.
     */
    public double quantile(double q) {
        long total = total();
        if (total == 0) return Double.NaN;
        long rank = (long) Math.ceil(q * total), seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) return buckets[i + 1];
        }
        return buckets[buckets.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Float64Histogram h && Arrays.equals(counts, h.counts) && Arrays.equals(buckets, h.buckets);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(counts) + Arrays.hashCode(buckets);
    }

    @Override
    public String toString() {
        return "Float64Histogram[total=" + total() + ", p50=" + quantile(0.5) + ", p99=" + quantile(0.99) + "]";
    }
}
