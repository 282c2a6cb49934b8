using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ControlRL.Cli.Logging;
using ControlRL.Core.Spaces;
using ControlRL.Models.Encoders;
using ControlRL.Models.Optim;
using ControlRL.Models.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace ControlRL.Cli.Bench;

/// <summary>Settings shared by the TorchSharp run and tools/bench/cnn_update.py.</summary>
public sealed record CnnBenchRequest(int Batch, int Threads, int Steps, int Warmup, string Head, int Size, int Channels, int Rounds, string? TorchPython, string? Script);

/// <summary>One framework's best round: samples (minibatch rows) per second through a full PPO update step.</summary>
public sealed record CnnBenchResult(string Framework, string Version, int Threads, double SamplesPerSecond, double[] Rounds);

/// <summary>
/// <c>controlrl bench cnn</c>: the PPO minibatch update of a Nature-CNN <see cref="EncodedActorCritic"/> with
/// <see cref="FlatAdam"/>, against the same network, loss and Adam step in PyTorch (tools/bench/cnn_update.py),
/// alternating rounds so both see the same machine load; each side reports its best round.
/// </summary>
public static class CnnUpdateBench
{
    /// <param name="progress">Reports each round's update steps (and the PyTorch rounds, as one step each); may be null.</param>
    public static IReadOnlyList<CnnBenchResult> Run(CnnBenchRequest request, TextWriter log, CancellationToken ct,
        ConsoleProgress? progress = null)
    {
        string? script = null;
        if (request.TorchPython is not null)
        {
            script = request.Script ?? FindScript()
                ?? throw new CliUsageException("tools/bench/cnn_update.py not found above the working or program folder; pass --script.");
        }
        var ours = new List<double>();
        var theirs = new List<double>();
        string? torchVersion = null;
        int torchThreads = request.Threads;
        using var bench = new TorchSharpCnnStep(request);
        for (int r = 0; r < request.Rounds; r++)
        {
            progress?.Phase($"torchsharp round {r + 1}/{request.Rounds}", request.Warmup + request.Steps);
            ours.Add(bench.Time(request.Warmup, request.Steps, done => Tick(progress, done, ct)));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {r + 1}: torchsharp {ours[^1]:0.0} samples/s"));
            if (script is null) continue;
            progress?.Phase($"pytorch round {r + 1}/{request.Rounds} (one process)", 1);
            Tick(progress, 0, ct);
            var (sps, version, threads) = RunPython(request, script);
            Tick(progress, 1, ct);
            theirs.Add(sps);
            (torchVersion, torchThreads) = (version, threads);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {r + 1}: pytorch    {sps:0.0} samples/s"));
        }
        progress?.Phase("torchsharp step split", request.Steps);
        var (fwd, bwd, opt) = bench.Profile(request.Steps, done => Tick(progress, done, ct));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"torchsharp step split: forward+loss {fwd * 1e3:0.0} ms, backward {bwd * 1e3:0.0} ms, FlatAdam (gather, clip, step) {opt * 1e3:0.0} ms"));
        var results = new List<CnnBenchResult> { new("torchsharp", "0.107 (libtorch " + torch.__version__ + ")", torch.get_num_threads(), ours.Max(), ours.ToArray()) };
        if (theirs.Count > 0) results.Add(new("pytorch", torchVersion ?? "?", torchThreads, theirs.Max(), theirs.ToArray()));
        return results;
    }

    private static void Tick(ConsoleProgress? progress, long done, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        progress?.Update(done);
    }

    private static (double Sps, string Version, int Threads) RunPython(CnnBenchRequest r, string script)
    {
        var psi = new ProcessStartInfo(r.TorchPython!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(script);
        foreach (var (k, v) in new[] { ("--batch", r.Batch), ("--threads", r.Threads), ("--steps", r.Steps), ("--warmup", r.Warmup), ("--size", r.Size), ("--channels", r.Channels) })
        {
            psi.ArgumentList.Add(k);
            psi.ArgumentList.Add(v.ToString(CultureInfo.InvariantCulture));
        }
        psi.ArgumentList.Add("--head");
        psi.ArgumentList.Add(r.Head);
        using var p = Process.Start(psi) ?? throw new CliUsageException($"could not start {r.TorchPython}.");
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new CliUsageException($"{r.TorchPython} {script} failed ({p.ExitCode}): {stderr.Result.Trim()} (Debian: apt-get install python3-torch)");
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        return (root.GetProperty("samples_per_second").GetDouble(), root.GetProperty("version").GetString() ?? "?", root.GetProperty("threads").GetInt32());
    }

    private static string? FindScript()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var path = Path.Combine(dir.FullName, "tools", "bench", "cnn_update.py");
                if (File.Exists(path)) return path;
            }
        }
        return null;
    }

    /// <summary>The timed step: evaluate, PPO clipped loss + value loss - entropy bonus, backward, clip, Adam.</summary>
    private sealed class TorchSharpCnnStep : IDisposable
    {
        private readonly EncodedActorCritic _policy;
        private readonly FlatAdam _adam;
        private readonly Tensor[] _obs;
        private readonly Tensor _act, _oldLogp, _adv, _ret;
        private readonly int _batch;

        public TorchSharpCnnStep(CnnBenchRequest r)
        {
            torch.set_num_threads(r.Threads);
            torch.manual_seed(1);
            _batch = r.Batch;
            var obsSpace = Box.Image(r.Size, r.Size, r.Channels);
            var description = new PolicyDescription { Encoder = new EncoderOptions { Cnn = "nature" }, Head = r.Head };
            _policy = description.Build(obsSpace, Box.Uniform(3, -1, 1));
            // CleanRL's Atari Adam: lr 2.5e-4, eps 1e-5.
            _adam = new FlatAdam(_policy.parameters(), 2.5e-4, eps: 1e-5);
            _obs = [randint(0, 256, [r.Batch, r.Size, r.Size, r.Channels], dtype: ScalarType.Byte)];
            _act = rand(r.Batch, 3) * 1.8 - 0.9;
            _oldLogp = randn(r.Batch) - 3;
            _adv = randn(r.Batch);
            _ret = randn(r.Batch);
        }

        /// <param name="tick">Called with the steps done so far (warm-up included) before each step and at the end.</param>
        public double Time(int warmup, int steps, Action<long> tick)
        {
            for (int i = 0; i < warmup; i++)
            {
                tick(i);
                Step();
            }
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++)
            {
                tick(warmup + i);
                Step();
            }
            double sps = _batch * steps / sw.Elapsed.TotalSeconds;
            tick(warmup + steps);
            return sps;
        }

        /// <summary>Mean seconds per step in forward+loss, backward and the optimizer step.</summary>
        public (double Forward, double Backward, double Optimizer) Profile(int steps, Action<long> tick)
        {
            double f = 0, b = 0, o = 0;
            for (int i = 0; i < steps; i++)
            {
                tick(i);
                using var scope = NewDisposeScope();
                long t0 = Stopwatch.GetTimestamp();
                var loss = Loss();
                long t1 = Stopwatch.GetTimestamp();
                _adam.ZeroGrad();
                loss.backward();
                long t2 = Stopwatch.GetTimestamp();
                _adam.Step(0.5);
                long t3 = Stopwatch.GetTimestamp();
                f += Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
                b += Stopwatch.GetElapsedTime(t1, t2).TotalSeconds;
                o += Stopwatch.GetElapsedTime(t2, t3).TotalSeconds;
            }
            tick(steps);
            return (f / steps, b / steps, o / steps);
        }

        private void Step()
        {
            using var scope = NewDisposeScope();
            var loss = Loss();
            _adam.ZeroGrad();
            loss.backward();
            _adam.Step(0.5);
        }

        private Tensor Loss()
        {
            var e = _policy.Evaluate(_obs, _act);
            var ratio = (e.LogProb - _oldLogp).exp();
            var pg = max(-_adv * ratio, -_adv * ratio.clamp(0.8, 1.2)).mean();
            var vLoss = (e.Value - _ret).square().mean() * 0.5;
            return pg - e.Entropy.mean() * 0.01 + vLoss * 0.5;
        }

        public void Dispose()
        {
            _adam.Dispose();
            _policy.Dispose();
            foreach (var t in new[] { _obs[0], _act, _oldLogp, _adv, _ret }) t.Dispose();
        }
    }
}
