using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Tests.Layers;

/// <summary>
/// <see cref="WeightInitialization.Auto"/> resolved by <see cref="Mlp"/>: weights read before the network chose, and left
/// as drawn, are replaced by the draw that suits the next layer; weights the caller changed are the caller's and stay.
/// </summary>
public sealed class DenseAutoInitializationTests
{
    private static float[] Values(Matrix<float> m) => m.AsColumnMajorArray().ToArray();

    private static float[] Drawn(int inputs, int outputs, WeightInitialization initialization, int seed) =>
        Values(new Dense(inputs, outputs, initialization, seed).Weights.Value);

    [Theory]
    [InlineData(typeof(ReLU))]
    [InlineData(typeof(Softplus))]
    public void Weights_read_before_the_network_and_left_untouched_become_He_before_a_ReLU_like_unit(Type unit)
    {
        var dense = new Dense(6, 5, seed: 3);
        float[] read = Values(dense.Weights.Value);
        read.Should().Equal(Drawn(6, 5, WeightInitialization.Glorot, 3), "read before a network chose, the draw is Glorot's");

        _ = new Mlp(dense, (ILayer)Activator.CreateInstance(unit)!);

        Values(dense.Weights.Value).Should().Equal(Drawn(6, 5, WeightInitialization.He, 3));
        Values(dense.Weights.Value).Should().NotEqual(read);
        dense.Bias.Value.ForAll(v => v == 0f).Should().BeTrue();
    }

    [Fact]
    public void Weights_not_read_before_the_network_are_He_before_ReLU()
    {
        var dense = new Dense(6, 5, seed: 3);
        _ = new Mlp(dense, new ReLU());
        Values(dense.Weights.Value).Should().Equal(Drawn(6, 5, WeightInitialization.He, 3));
    }

    [Theory]
    [InlineData(typeof(Sigmoid))]
    [InlineData(typeof(Tanh))]
    [InlineData(typeof(Identity))]
    public void Before_a_sigmoid_like_or_linear_unit_the_weights_are_Glorot_whether_read_first_or_not(Type unit)
    {
        var read = new Dense(4, 3, seed: 8);
        float[] seen = Values(read.Weights.Value);
        var unread = new Dense(4, 3, seed: 8);

        _ = new Mlp(read, (ILayer)Activator.CreateInstance(unit)!);
        _ = new Mlp(unread, (ILayer)Activator.CreateInstance(unit)!);

        Values(read.Weights.Value).Should().Equal(seen).And.Equal(Drawn(4, 3, WeightInitialization.Glorot, 8));
        Values(unread.Weights.Value).Should().Equal(Drawn(4, 3, WeightInitialization.Glorot, 8));
    }

    [Fact]
    public void Dropout_and_the_norms_pass_the_choice_on_to_the_layer_after_them()
    {
        var beforeDropout = new Dense(3, 4, seed: 21);
        var beforeBatchNorm = new Dense(4, 4, seed: 22);
        var beforeLayerNorm = new Dense(4, 4, seed: 23);
        var beforeNormThenTanh = new Dense(4, 4, seed: 24);
        _ = new Mlp(beforeDropout, new Dropout(0.5f), new ReLU(), beforeBatchNorm, new BatchNorm(4), new Dropout(0.1f), new GELU(),
            beforeLayerNorm, new LayerNorm(4), new SiLU(), beforeNormThenTanh, new LayerNorm(4), new Tanh());

        Values(beforeDropout.Weights.Value).Should().Equal(Drawn(3, 4, WeightInitialization.He, 21));
        Values(beforeBatchNorm.Weights.Value).Should().Equal(Drawn(4, 4, WeightInitialization.He, 22));
        Values(beforeLayerNorm.Weights.Value).Should().Equal(Drawn(4, 4, WeightInitialization.He, 23));
        Values(beforeNormThenTanh.Weights.Value).Should().Equal(Drawn(4, 4, WeightInitialization.Glorot, 24));
    }

    [Fact]
    public void A_Dense_followed_only_by_layers_without_a_wish_is_Glorot()
    {
        var dense = new Dense(3, 2, seed: 25);
        _ = new Mlp(dense, new Dropout(0.2f), new LayerNorm(2));
        Values(dense.Weights.Value).Should().Equal(Drawn(3, 2, WeightInitialization.Glorot, 25));
    }

    [Fact]
    public void The_last_Dense_of_a_network_is_Glorot()
    {
        var last = new Dense(4, 2, seed: 9);
        _ = new Mlp(new Dense(3, 4, seed: 1), new ReLU(), last);
        Values(last.Weights.Value).Should().Equal(Drawn(4, 2, WeightInitialization.Glorot, 9));
    }

    [Fact]
    public void Weights_the_caller_set_before_the_network_are_kept_as_the_lecture_sample_does()
    {
        // As LectureMlpSample: Dense(…, seed: 0), every weight and bias set by hand, then new Mlp(…, ReLU, …).
        var dense = new Dense(3, 4, seed: 0);
        var w = Matrix<float>.Build.DenseOfArray(new float[,] { { 0.2f, -0.1f, 0.4f }, { -0.5f, 0.3f, 0.1f }, { 0.3f, 0.2f, -0.6f }, { 0.1f, -0.4f, 0.2f } });
        w.CopyTo(dense.Weights.Value);
        dense.Bias.Value[0, 0] = 0.1f;

        _ = new Mlp(dense, new ReLU(), new Dense(4, 2, seed: 0));

        dense.Weights.Value.Should().Be(w);
        dense.Bias.Value[0, 0].Should().Be(0.1f);
    }

    [Fact]
    public void One_weight_changed_is_enough_to_keep_them_all()
    {
        var dense = new Dense(5, 4, seed: 2);
        dense.Weights.Value[1, 2] += 0.5f;
        float[] mine = Values(dense.Weights.Value);

        _ = new Mlp(dense, new ReLU());

        Values(dense.Weights.Value).Should().Equal(mine);
    }

    [Fact]
    public void Untouched_weights_with_a_bias_the_caller_set_are_kept_too()
    {
        var dense = new Dense(5, 4, seed: 2);
        float[] read = Values(dense.Weights.Value);
        dense.Bias.Value[3, 0] = 1f;

        _ = new Mlp(dense, new ReLU());

        Values(dense.Weights.Value).Should().Equal(read, "the caller set the layer up; the network does not redraw it");
        dense.Bias.Value[3, 0].Should().Be(1f);
    }

    [Fact]
    public void An_explicit_initialisation_is_never_replaced()
    {
        var glorot = new Dense(6, 5, WeightInitialization.Glorot, seed: 3);
        _ = new Mlp(glorot, new ReLU());
        Values(glorot.Weights.Value).Should().Equal(Drawn(6, 5, WeightInitialization.Glorot, 3));
    }
}
