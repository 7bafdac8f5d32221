using System.Buffers;
using NeuralNet.Layers;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

/// <summary>
/// The copy of the weights the divergence guard and early stopping keep (src/NeuralNet/Training/ParameterSnapshot.cs): its
/// arrays come from the shared pool, are longer than the parameters, and go back to the pool exactly once.
/// </summary>
public sealed class ParameterSnapshotTests
{
    // 7 × 13 = 91 weights: a pool bucket (128) few other tests rent from.
    private static Mlp Model() => new(new Dense(7, 13, seed: 1));

    [Fact]
    public void Restore_gives_back_exactly_the_weights_taken()
    {
        Mlp model = Model();
        float[][] taken = [.. model.Parameters.Select(p => p.Value.AsColumnMajorArray().ToArray())];
        using var snapshot = new ParameterSnapshot(model.Parameters);
        snapshot.Take();
        foreach (Parameter p in model.Parameters) p.Value.AsColumnMajorArray().AsSpan().Fill(float.NaN);
        snapshot.Restore();
        for (int k = 0; k < taken.Length; k++)
        {
            model.Parameters[k].Value.AsColumnMajorArray().Should().Equal(taken[k]);
            snapshot.Value(k).Length.Should().Be(taken[k].Length, "a view of the parameter's length, not of the longer pooled array");
        }
    }

    [Fact]
    public void A_disposed_snapshot_refuses_to_restore_and_a_second_dispose_returns_nothing_twice()
    {
        Mlp model = Model();
        var snapshot = new ParameterSnapshot(model.Parameters);
        snapshot.Dispose();
        snapshot.Dispose();
        FluentActions.Invoking(snapshot.Restore).Should().Throw<ObjectDisposedException>();
        // Returned twice, an array would be rented twice: two owners writing one copy of the weights.
        float[] first = ArrayPool<float>.Shared.Rent(91), second = ArrayPool<float>.Shared.Rent(91);
        try
        {
            second.Should().NotBeSameAs(first);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(first);
            ArrayPool<float>.Shared.Return(second);
        }
    }

    [Fact]
    public void All_finite_holds_for_finite_weights_whose_sum_overflows_and_fails_for_weights_all_NaN()
    {
        // The check sums first and scans only when the sum is not finite: the scan must decide both cases.
        Mlp model = Model();
        foreach (Parameter p in model.Parameters) p.Value.AsColumnMajorArray().AsSpan().Fill(3e38f);
        ParameterSnapshot.AllFinite(model.Parameters).Should().BeTrue("3e38 is finite, though 91 of them sum to ∞");
        foreach (Parameter p in model.Parameters) p.Value.AsColumnMajorArray().AsSpan().Fill(float.NaN);
        ParameterSnapshot.AllFinite(model.Parameters).Should().BeFalse();
        model.Parameters[0].Value.AsColumnMajorArray().AsSpan().Fill(1f);
        ParameterSnapshot.AllFinite(model.Parameters).Should().BeFalse("the bias is still NaN");
    }
}
