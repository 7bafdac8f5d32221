using System.Diagnostics;
using NeuralNet.Tests.TrainingChild;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

/// <summary>
/// Training is killed (SIGKILL, no chance to clean up) in a child process, inside an epoch after a checkpoint, and
/// resumed here from the checkpoint on disk: every weight ends bit-identical to a run that was never interrupted.
/// </summary>
public sealed class CheckpointKillTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("checkpoint-kill").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("sgd-momentum", 3)]
    [InlineData("adam-cosine", 5)]
    [InlineData("early-stopping-dropout", 3)]
    [InlineData("early-stopping-best-weights", 4)]
    public void Killed_mid_epoch_after_a_checkpoint_and_resumed_ends_bit_identical(string scenario, int killEpoch)
    {
        string path = Path.Combine(_folder, $"{scenario}.ckpt");
        var uninterrupted = Scenarios.Build(scenario);
        TrainingHistory expected = uninterrupted.Fit();

        // The child waits after batch 10 of the kill epoch: the checkpoint of the epoch before it (a multiple of
        // CheckpointEvery) is on disk, and ten steps have moved the weights, moments and dropout generator past it.
        List<string> lines = RunChildAndKill(scenario, path, $"{killEpoch} 10", until: "waiting");
        lines.Should().Contain($"batch {killEpoch} 10").And.NotContain("done");
        File.Exists(path).Should().BeTrue();
        int checkpointEpoch = (killEpoch - 1) / Scenarios.CheckpointEvery * Scenarios.CheckpointEvery;
        checkpointEpoch.Should().BeGreaterThan(0);

        var resumed = Scenarios.Build(scenario, new Scenarios.Extras(ResumeFrom: path));
        var seen = new EpochCounter();
        var again = Scenarios.Build(scenario, new Scenarios.Extras(ResumeFrom: path, Callbacks: [seen]));
        TrainingHistory history = resumed.Fit();
        again.Fit();

        Bytes(resumed.Model).Should().Equal(Bytes(uninterrupted.Model), "every weight's bytes");
        seen.FirstEpochTrained.Should().Be(checkpointEpoch + 1, "the resumed run starts after the checkpoint's epoch");
        history.Epochs.Select(e => (e.Epoch, e.TrainingLoss, e.ValidationLoss, e.LearningRate))
            .Should().Equal(expected.Epochs.Select(e => (e.Epoch, e.TrainingLoss, e.ValidationLoss, e.LearningRate)), "the full history");
        (history.StoppedEarly, history.BestEpoch).Should().Be((expected.StoppedEarly, expected.BestEpoch));
        if (scenario.StartsWith("early-stopping", StringComparison.Ordinal))
        {
            // The scenario must exercise what it is for: the best epoch before the checkpoint, the stop after the kill.
            expected.Epochs.MinBy(e => e.ValidationLoss)!.Epoch.Should().BeLessThan(checkpointEpoch + 1);
            expected.StoppedEarly.Should().BeTrue();
            expected.Epochs.Count.Should().BeGreaterThan(killEpoch).And.BeLessThan(12);
        }
    }

    [Fact]
    public void Killed_at_a_moment_it_does_not_choose_the_checkpoint_on_disk_is_whole_and_resumes_bit_identical()
    {
        // Killed as soon as epoch 2 is under way, whatever it is doing (possibly writing a checkpoint): the file on disk
        // is a complete checkpoint, and resuming from it ends as the uninterrupted run.
        const string scenario = "early-stopping-dropout";
        string path = Path.Combine(_folder, "free.ckpt");
        var uninterrupted = Scenarios.Build(scenario);
        uninterrupted.Fit();
        List<string> lines = RunChildAndKill(scenario, path, waitArguments: null, until: $"batch {Scenarios.CheckpointEvery + 1} 1");
        lines.Should().NotContain("done");
        var resumed = Scenarios.Build(scenario, new Scenarios.Extras(ResumeFrom: path));
        resumed.Fit();
        Bytes(resumed.Model).Should().Equal(Bytes(uninterrupted.Model));
        Directory.GetFiles(_folder, "*.tmp", SearchOption.AllDirectories).Length.Should().BeLessThanOrEqualTo(1, "at most the write the kill cut short");
    }

    private static byte[] Bytes(Mlp model) => model.Parameters.SelectMany(p => p.Value.AsColumnMajorArray()).SelectMany(BitConverter.GetBytes).ToArray();

    private sealed class EpochCounter : ITrainingCallback
    {
        public int? FirstEpochTrained { get; private set; }
        public void OnBatchEnd(TrainingContext context, BatchResult batch) => FirstEpochTrained ??= batch.Epoch;
    }

    /// <summary>Starts the child, reads its lines until one equals <paramref name="until"/>, then kills it (SIGKILL on Linux).</summary>
    private static List<string> RunChildAndKill(string scenario, string path, string? waitArguments, string until)
    {
        string child = Path.Combine(AppContext.BaseDirectory, "NeuralNet.Tests.TrainingChild.dll");
        var start = new ProcessStartInfo(DotnetHost(), $"exec \"{child}\" {scenario} \"{path}\" {waitArguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var lines = new List<string>();
        var timeout = Stopwatch.StartNew();
        try
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                lines.Add(line);
                if (line == until) break;
                if (timeout.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException($"The child did not print '{until}' within 2 minutes.");
            }
        }
        finally
        {
            process.Kill(); // SIGKILL: no finally blocks, no flush, no polite cancellation in the child
            process.WaitForExit();
        }
        lines.Should().Contain(until, $"the child should get there (its error output: {process.StandardError.ReadToEnd()})");
        return lines;
    }

    /// <summary>The dotnet host running the tests (or the one the SDK names), to run the child's dll with.</summary>
    private static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet") return current;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
