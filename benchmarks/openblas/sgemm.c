/* OpenBLAS's cblas_sgemm at the shapes of GemmBenchmarks: a reference point for the kernel on the same machine.
 * Not part of the build. On Debian:
 *   apt-get install libopenblas-pthread-dev
 *   gcc -O2 sgemm.c -o sgemm -I/usr/include/x86_64-linux-gnu/openblas-pthread -lopenblas
 *   OPENBLAS_NUM_THREADS=1 ./sgemm; OPENBLAS_NUM_THREADS=2 ./sgemm
 * Prints the median of 21 timings of C = A·B (column-major, B transposed as the forward product's Wᵀ). */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void multiply(int m, int k, int n, const float *a, const float *b, float *c)
{
    cblas_sgemm(CblasColMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, a, m, b, n, 0.0f, c, m);
}

int main(void)
{
    static const int shapes[][3] = {
        {64, 784, 256}, {64, 256, 128}, {256, 784, 256}, {256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024},
    };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    {
        int m = shapes[s][0], k = shapes[s][1], n = shapes[s][2];
        float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n), *c = malloc(sizeof(float) * m * n);
        for (long i = 0; i < (long)m * k; i++) a[i] = rand() / (float)RAND_MAX - 0.5f;
        for (long i = 0; i < (long)k * n; i++) b[i] = rand() / (float)RAND_MAX - 0.5f;
        int inner = (long)m * k * n > 100000000 ? 2 : 20;
        double times[21];
        for (int w = 0; w < inner; w++) multiply(m, k, n, a, b, c);
        for (int o = 0; o < 21; o++)
        {
            double start = now_us();
            for (int w = 0; w < inner; w++) multiply(m, k, n, a, b, c);
            times[o] = (now_us() - start) / inner;
        }
        qsort(times, 21, sizeof times[0], compare);
        printf("%d x %d x %d: %.0f us, %.1f GFLOP/s\n", m, k, n, times[10], 2.0 * m * k * n / times[10] / 1e3);
        free(a);
        free(b);
        free(c);
    }
    return 0;
}
