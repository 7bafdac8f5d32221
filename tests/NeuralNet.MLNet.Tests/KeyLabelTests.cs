using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet.Tests;

/// <summary>Multiclass labels keyed from other types than text, or keys without key values.</summary>
public sealed class KeyLabelTests
{
    private static readonly MlpTrainerOptions Quick = new() { HiddenLayers = [16], Epochs = 3, Seed = 1 };

    private sealed class NumberRow
    {
        [VectorType(64)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private sealed class BareKeyRow
    {
        [VectorType(64)] public float[] Features { get; set; } = [];
        [KeyType(10)] public uint Label { get; set; }
    }

    [Fact]
    public void Key_values_of_Single_come_back_through_MapKeyToValue_also_after_save_and_load()
    {
        var ml = new MLContext(seed: 1);
        // Digit d as the float 0.5·d − 1, so the key values are not the keys' own numbers.
        NumberRow[] rows = TestData.Digits[..300].Select(r => new NumberRow { Features = r.Features, Label = 0.5f * float.Parse(r.Label) - 1 }).ToArray();
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data);
        MlpTransformer mlp = ml.MulticlassClassification.Trainers.Mlp(Quick).Fit(keyed.Transform(data));
        using var stream = new MemoryStream();
        mlp.Save(stream);
        stream.Position = 0;
        MlpTransformer loaded = MlpTransformer.Load(stream);
        var back = ml.Transforms.Conversion.MapKeyToValue("PredictedValue", "PredictedLabel");

        foreach (MlpTransformer t in new[] { mlp, loaded })
        {
            IDataView scored = t.Transform(keyed.Transform(data));
            float[] values = TestData.Column<float>(back.Fit(scored).Transform(scored), "PredictedValue");
            uint[] keys = TestData.Column<uint>(scored, "PredictedLabel");
            VBuffer<float> keyValues = default;
            scored.Schema["PredictedLabel"].GetKeyValues(ref keyValues);
            float[] table = keyValues.DenseValues().ToArray();
            table.Should().BeEquivalentTo(rows.Select(r => r.Label).Distinct());
            values.Should().Equal(keys.Select(k => table[k - 1]));
            values.Should().OnlyContain(v => rows.Any(r => r.Label == v));
        }
    }

    [Fact]
    public void A_key_label_without_key_values_gives_a_Score_without_slot_names_and_still_evaluates()
    {
        var ml = new MLContext(seed: 1);
        // Digits 0 … 8 as keys 1 … 9 of a key type of 10 (LoadFromEnumerable reads the raw value 10 of such a key as missing).
        IDataView data = ml.Data.LoadFromEnumerable(TestData.Digits[..300].Where(r => r.Label != "9")
            .Select(r => new BareKeyRow { Features = r.Features, Label = uint.Parse(r.Label) + 1 }));
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpTrainerOptions { HiddenLayers = [32], Epochs = 30, Seed = 1 }));

        IDataView scored = pipeline.Fit(data).Transform(data);

        scored.Schema["Score"].HasSlotNames().Should().BeFalse();
        scored.Schema["PredictedLabel"].Type.Should().Be(new KeyDataViewType(typeof(uint), 10));
        ml.MulticlassClassification.Evaluate(scored).MicroAccuracy.Should().BeGreaterThan(0.5);
    }
}
