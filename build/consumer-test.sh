#!/usr/bin/env bash
# The consumer test: use NeuralNet the way a user does, from its NuGet packages, in an app outside this repository.
#
#   bash build/consumer-test.sh        (KEEP=1 keeps the temporary folder and prints where it is)
#
# 1. packs every library under src/ (NeuralNet, NeuralNet.Onnx, NeuralNet.MLNet) into a temporary folder;
# 2. creates a fresh console app in another temporary folder, outside the repository, so that none of the
#    repository's Directory.Build.props, Directory.Packages.props or settings apply to it;
# 3. adds that folder as a package source beside the machine's own sources (nothing replaced, no host named here),
#    and restores into a package cache of its own, so that a stale NeuralNet of the same version in the global
#    packages folder can never stand in for the package just built;
# 4. `dotnet add package NeuralNet` (and NeuralNet.Onnx, NeuralNet.MLNet), builds with warnings as errors, runs the app,
#    which trains XOR and exports it to ONNX, then trains XOR again as an ML.NET pipeline with the MLP trainer and
#    evaluates it, and fails unless it prints "accuracy: 100%" and "ML.NET pipeline accuracy: 100%".
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work=$(mktemp -d "${TMPDIR:-/tmp}/neuralnet-consumer.XXXXXX")
case $work/ in "$repo"/*) echo "consumer-test: $work is inside the repository" >&2; exit 1 ;; esac
if [[ ${KEEP:-} == 1 ]]; then echo "consumer-test: keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
feed=$work/feed app=$work/app

version=$(dotnet msbuild src/NeuralNet/NeuralNet.csproj -nologo -getProperty:PackageVersion)
echo "consumer-test: packing NeuralNet $version into $feed"
for project in src/*/*.csproj; do
  dotnet pack "$project" -c Release -o "$feed" -nologo -clp:NoSummary -v q
done
ls "$feed"
for id in NeuralNet NeuralNet.Onnx NeuralNet.MLNet; do
  [[ -f $feed/$id.$version.nupkg && -f $feed/$id.$version.snupkg ]] || { echo "consumer-test: $id.$version.(s)nupkg missing" >&2; exit 1; }
done

echo "consumer-test: a fresh console app in $app"
mkdir -p "$app"
cd "$app"
# Empty files here end MSBuild's upward search, so nothing above this folder (such as a Directory.Build.props in
# the temporary folder's parents) shapes the app: it is built as a user's brand-new project is.
echo '<Project />' > Directory.Build.props
echo '<Project />' > Directory.Build.targets
echo '<Project />' > Directory.Packages.props
# The local feed is added to the sources the machine already has (the user's NuGet.Config), not put in their place.
cat > nuget.config <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="neuralnet-local" value="$feed" />
  </packageSources>
</configuration>
EOF
export NUGET_PACKAGES=$work/packages
dotnet nuget list source   # the machine's own sources and the feed

dotnet new console -n Consumer -o . --framework net10.0 --no-restore >/dev/null
dotnet add package NeuralNet --version "$version" >/dev/null
dotnet add package NeuralNet.Onnx --version "$version" >/dev/null
dotnet add package NeuralNet.MLNet --version "$version" >/dev/null

# Both packages must have come from the feed just packed, byte for byte, not from any other source.
for id in NeuralNet NeuralNet.Onnx NeuralNet.MLNet; do
  lower=${id,,}
  restored=$NUGET_PACKAGES/$lower/$version
  source=$(grep -oP '"source":\s*"\K[^"]*' "$restored/.nupkg.metadata")
  [[ ${source%/} == "${feed%/}" ]] || { echo "consumer-test: $id came from '$source', not $feed" >&2; exit 1; }
  cmp -s "$restored/$lower.$version.nupkg" "$feed/$id.$version.nupkg" \
    || { echo "consumer-test: the restored $id differs from the one packed" >&2; exit 1; }
done

cat > Program.cs <<'EOF'
// A user's app: train XOR with the NeuralNet package, export it with NeuralNet.Onnx, print the accuracy; then train XOR
// in an ML.NET pipeline with NeuralNet.MLNet's trainer and print what ML.NET's evaluator says.
using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralNet;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.MLNet;
using NeuralNet.Onnx;
using NeuralNet.Optimizers;

var x = Matrix<float>.Build.DenseOfArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
var y = Matrix<float>.Build.DenseOfArray(new float[,] { { 0 }, { 1 }, { 1 }, { 0 } });
var model = new Mlp(new Dense(2, 8, seed: 1), new Tanh(), new Dense(8, 1, seed: 2), new Sigmoid());
var optimizer = new Sgd(learningRate: 0.5f, momentum: 0.9f);
for (int step = 0; step < 500; step++)
{
    model.ComputeGradients(x, y, new BinaryCrossEntropyLoss());
    optimizer.Step(model.Parameters);
}

Matrix<float> p = model.Predict(x);
int correct = 0;
for (int i = 0; i < x.RowCount; i++)
{
    Console.WriteLine($"{x[i, 0]} XOR {x[i, 1]} -> {p[i, 0]:F4}");
    if ((p[i, 0] > 0.5f) == (y[i, 0] > 0.5f)) correct++;
}

using var onnx = new MemoryStream();
OnnxExporter.Export(model, onnx);
Console.WriteLine($"ONNX model: {onnx.Length} bytes");
Console.WriteLine($"accuracy: {100 * correct / x.RowCount}%");

var ml = new MLContext(seed: 1);
var rows = Enumerable.Range(0, 64).Select(i => new XorRow { Features = [i & 1, (i >> 1) & 1], Label = ((i & 1) ^ ((i >> 1) & 1)) == 1 }).ToArray();
var pipeline = ml.Transforms.CopyColumns("Features", "Features")
    .Append(ml.BinaryClassification.Trainers.Mlp(new MlpTrainerOptions { HiddenLayers = [8], Activation = MlpActivation.Tanh, Epochs = 200, LearningRate = 0.05f, BatchSize = 4, Seed = 1 }));
ITransformer pipelineModel = pipeline.Fit(ml.Data.LoadFromEnumerable(rows));
var metrics = ml.BinaryClassification.Evaluate(pipelineModel.Transform(ml.Data.LoadFromEnumerable(rows)));
Console.WriteLine($"ML.NET pipeline AUC: {metrics.AreaUnderRocCurve:F3}");
Console.WriteLine($"ML.NET pipeline accuracy: {Math.Round(100 * metrics.Accuracy)}%");

public sealed class XorRow
{
    [VectorType(2)] public float[] Features { get; set; } = [];
    public bool Label { get; set; }
}
EOF

dotnet build -c Release -nologo -clp:NoSummary -v q -warnaserror
output=$(dotnet run -c Release --no-build)
echo "$output"
if grep -qx 'accuracy: 100%' <<< "$output" && grep -qx 'ML.NET pipeline accuracy: 100%' <<< "$output"; then
  echo "consumer-test: passed (NeuralNet $version from its packages trains XOR to 100%, alone and in an ML.NET pipeline)"
else
  echo "consumer-test: FAILED: the app did not print 'accuracy: 100%' and 'ML.NET pipeline accuracy: 100%'" >&2
  exit 1
fi
