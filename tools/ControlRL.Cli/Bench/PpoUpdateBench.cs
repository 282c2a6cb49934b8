using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ControlRL.Cli.Commands;
using ControlRL.Cli.Hosting;
using ControlRL.Cli.Logging;
using ControlRL.Core.Spaces;
using ControlRL.Models;
using ControlRL.Models.Encoders;
using ControlRL.Models.Optim;
using ControlRL.Models.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace ControlRL.Cli.Bench;

/// <summary>Settings shared by the TorchSharp run and tools/bench/carl_update.py.</summary>
public sealed record PpoUpdateBenchRequest(int Size, int Minibatch, int Threads, int Steps, int Warmup, int Rounds, bool Mkldnn,
    string? TorchPython, string? Script);

/// <summary>One framework's rounds: samples (minibatch rows) per second through CaRL's PPO minibatch step.</summary>
public sealed record PpoUpdateBenchResult(string Framework, string Version, int Threads, double BestSamplesPerSecond,
    double MedianSamplesPerSecond, double[] Rounds);

/// <summary>
/// <c>controlrl bench ppo-update</c>: CaRL's PPO minibatch step (autonomousvision/CaRL team_code_roach/dd_ppo.py) on
/// CaRL's network (<see cref="CaRLActorCritic"/>) at a given BEV raster and minibatch: forward, clipped surrogate
/// (0.1), clipped value loss, entropy 0.01, value 0.5, backward, gradient clipping to 0.5 and <see cref="FlatAdam"/>
/// (lr 2.5e-4, eps 1e-5). With --torch-python the same step in PyTorch (tools/bench/carl_update.py) takes turns with
/// ours, round by round, so both see the same machine load.
/// </summary>
public static class PpoUpdateBench
{
    public static Command Create(CliServices services)
    {
        var size = new Option<string>("--size") { HelpName = "64|128|256", Description = "BEV raster height and width: 64, 128 or 256 (10 channels).", DefaultValueFactory = _ => "64" };
        size.OneOf("64", "128", "256");
        var minibatch = new Option<int>("--minibatch") { Description = "Minibatch rows per update step (CaRL: 16384).", DefaultValueFactory = _ => 16384 }.WholeNumber(1, 1 << 20);
        var threads = new Option<int>("--threads") { Description = "Intra-op threads for both frameworks.", DefaultValueFactory = _ => 2 }.WholeNumber(1, BenchCommand.MaxThreads);
        var steps = new Option<int>("--steps") { Description = "Timed update steps per round.", DefaultValueFactory = _ => 3 }.WholeNumber(1, 1_000_000);
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps before each round.", DefaultValueFactory = _ => 1 }.WholeNumber(0, 1_000_000);
        var rounds = new Option<int>("--rounds") { Description = "Rounds, alternating frameworks; best and median round of each are reported.", DefaultValueFactory = _ => 3 }.WholeNumber(1, 1000);
        var mkldnn = new Option<string>("--onednn") { Description = "oneDNN kernels in our libtorch: on (libtorch's default, what training uses) or off (libtorch's own convolutions; see TorchBackends).", DefaultValueFactory = _ => "on" };
        mkldnn.OneOf("off", "on");
        var python = new Option<string?>("--torch-python") { HelpName = "python", Description = "Python with PyTorch (e.g. /usr/bin/python3) to run tools/bench/carl_update.py in turns with ours." };
        var script = new Option<string?>("--script") { HelpName = "carl_update.py", Description = "Path of carl_update.py (default: found above the working folder)." };
        var json = new Option<string?>("--out") { HelpName = "file.json", Description = "Also write the settings, every round and the step split as JSON." };
        var cmd = new Command("ppo-update", """
            CaRL's PPO minibatch update (forward, clipped losses, backward, gradient clipping, Adam) on CaRL's policy
            network with uint8 BEV rasters, samples per second; with --torch-python also PyTorch's and the ratio.
            Memory: the minibatch's BEV as uint8 and once as float, plus activations (16384 x 64x64: about 10 GB).
            """)
        {
            size, minibatch, threads, steps, warmup, rounds, mkldnn, python, script, json,
        };
        cmd.SetAction(parse => CommandRunner.Run(services, ct =>
        {
            var request = new PpoUpdateBenchRequest(int.Parse(parse.GetValue(size)!, System.Globalization.CultureInfo.InvariantCulture), parse.GetValue(minibatch), parse.GetValue(threads), parse.GetValue(steps),
                parse.GetValue(warmup), parse.GetValue(rounds), parse.GetValue(mkldnn) == "on", parse.GetValue(python), parse.GetValue(script));
            if (request.Script is { } path && !File.Exists(path)) throw new CliUsageException($"--script: '{path}' does not exist.");
            var progress = CommandRunner.Progress(services, request.Warmup + request.Steps, "update steps");
            using var log = new ProgressLogWriter(progress, services.Err);
            Report report;
            try
            {
                report = Run(request, log, ct, progress);
            }
            finally
            {
                progress.Finish();
            }
            CommandRunner.ThrowIfInterrupted(ct, "bench ppo-update stopped before the end; no result.");
            if (parse.GetValue(json) is { } file)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
                File.WriteAllText(file, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
            }
            services.Out.Write(Format(request, report));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    /// <summary>What a run measured: the settings, each framework's rounds and our step split (seconds per step).</summary>
    public sealed record Report(PpoUpdateBenchRequest Request, long Parameters, IReadOnlyList<PpoUpdateBenchResult> Results,
        double InputSeconds, double ForwardSeconds, double BackwardSeconds, double OptimizerSeconds);

    public static string Format(PpoUpdateBenchRequest r, Report report)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"CaRL PPO minibatch update, {r.Minibatch} x {r.Size}x{r.Size}x10 uint8, {report.Parameters:N0} parameters, {r.Steps} steps x {r.Rounds} rounds, oneDNN {(r.Mkldnn ? "on" : "off")}\n");
        sb.Append(CultureInfo.InvariantCulture, $"{"framework",-11} {"version",-30} {"threads",7} {"best/s",9} {"median/s",9}\n");
        foreach (var x in report.Results)
            sb.Append(CultureInfo.InvariantCulture, $"{x.Framework,-11} {x.Version,-30} {x.Threads,7} {x.BestSamplesPerSecond,9:0.0} {x.MedianSamplesPerSecond,9:0.0}\n");
        if (report.Results.Count > 1)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"ratio torchsharp/pytorch: best {report.Results[0].BestSamplesPerSecond / report.Results[1].BestSamplesPerSecond:0.00}, median {report.Results[0].MedianSamplesPerSecond / report.Results[1].MedianSamplesPerSecond:0.00}\n");
        }
        sb.Append(CultureInfo.InvariantCulture,
            $"torchsharp step: uint8->float input {report.InputSeconds:0.00} s (inside the forward), forward+loss {report.ForwardSeconds:0.00} s, backward {report.BackwardSeconds:0.00} s, FlatAdam {report.OptimizerSeconds * 1e3:0.0} ms\n");
        return sb.ToString();
    }

    public static Report Run(PpoUpdateBenchRequest request, TextWriter log, CancellationToken ct, ConsoleProgress? progress = null)
    {
        string? script = null;
        if (request.TorchPython is not null)
        {
            script = request.Script ?? FindScript()
                ?? throw new CliUsageException("tools/bench/carl_update.py not found above the working or program folder; pass --script.");
        }
        var ours = new List<double>();
        var theirs = new List<double>();
        string? torchVersion = null;
        int torchThreads = request.Threads;
        using var bench = new Step(request);
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
        progress?.Phase("torchsharp step split", 1);
        var (input, fwd, bwd, opt) = bench.Profile();
        Tick(progress, 1, ct);
        var results = new List<PpoUpdateBenchResult>
        {
            new("torchsharp", "0.107 (libtorch " + torch.__version__ + ")", torch.get_num_threads(), ours.Max(), Median(ours), ours.ToArray()),
        };
        if (theirs.Count > 0) results.Add(new("pytorch", torchVersion ?? "?", torchThreads, theirs.Max(), Median(theirs), theirs.ToArray()));
        return new Report(request, bench.Parameters, results, input, fwd, bwd, opt);
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static void Tick(ConsoleProgress? progress, long done, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        progress?.Update(done);
    }

    private static (double Sps, string Version, int Threads) RunPython(PpoUpdateBenchRequest r, string script)
    {
        var psi = new ProcessStartInfo(r.TorchPython!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(script);
        foreach (var (k, v) in new[] { ("--size", r.Size), ("--minibatch", r.Minibatch), ("--threads", r.Threads), ("--steps", r.Steps), ("--warmup", r.Warmup) })
        {
            psi.ArgumentList.Add(k);
            psi.ArgumentList.Add(v.ToString(CultureInfo.InvariantCulture));
        }
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
                var path = Path.Combine(dir.FullName, "tools", "bench", "carl_update.py");
                if (File.Exists(path)) return path;
            }
        }
        return null;
    }

    /// <summary>The timed step, as CaRL's dd_ppo.py minibatch loop (without its no-grad KL diagnostics).</summary>
    private sealed class Step : IDisposable
    {
        private readonly CaRLActorCritic _policy;
        private readonly FlatAdam _adam;
        private readonly Tensor[] _obs;
        private readonly Tensor _act, _oldLogp, _oldValue, _adv, _ret;
        private readonly int _batch;
        // Rooted Scalars for the loss (see ControlRL.Models.Scalars on TorchSharp's temporary Scalars).
        private readonly Scalar _lo = 0.9, _hi = 1.1, _vlo = -0.1, _vhi = 0.1, _half = 0.5, _ent = 0.01, _pixel = 255.0;

        public Step(PpoUpdateBenchRequest r)
        {
            torch.set_num_threads(r.Threads);
            torch.manual_seed(1);
            _batch = r.Minibatch;
            var space = new Dict(
                (CaRLActorCritic.BevKey, Box.Image(r.Size, r.Size, 10)),
                (CaRLActorCritic.MeasurementsKey, Box.Uniform(8, float.NegativeInfinity, float.PositiveInfinity)),
                (CaRLActorCritic.ValueMeasurementsKey, Box.Uniform(10, float.NegativeInfinity, float.PositiveInfinity)));
            _policy = (CaRLActorCritic)new PolicyDescription { Kind = "carl", Carl = new CaRLOptions() }.BuildPolicy(space, Box.Uniform(2, -1f, 1f));
            TorchBackends.MkldnnEnabled = r.Mkldnn;
            Parameters = _policy.parameters().Sum(p => p.numel());
            _adam = new FlatAdam(_policy.parameters(), 2.5e-4, eps: 1e-5);
            using var g = new Generator(2);
            using Scalar width = 1.8, shift = 0.9, one = 1.0;
            _obs = [randint(0, 256, [r.Minibatch, r.Size, r.Size, 10], dtype: ScalarType.Byte, generator: g), randn(r.Minibatch, 8, generator: g), randn(r.Minibatch, 10, generator: g)];
            _act = rand(r.Minibatch, 2, generator: g).mul_(width).sub_(shift);
            _oldLogp = randn(r.Minibatch, generator: g).sub_(one);
            _oldValue = randn(r.Minibatch, generator: g);
            _adv = randn(r.Minibatch, generator: g);
            _ret = randn(r.Minibatch, generator: g);
        }

        public long Parameters { get; }

        /// <param name="tick">Called with the steps done so far (warm-up included) before each step and at the end.</param>
        public double Time(int warmup, int steps, Action<long> tick)
        {
            for (int i = 0; i < warmup; i++)
            {
                tick(i);
                Run();
            }
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++)
            {
                tick(warmup + i);
                Run();
            }
            double sps = (double)_batch * steps / sw.Elapsed.TotalSeconds;
            tick(warmup + steps);
            return sps;
        }

        /// <summary>Seconds of one step in: the BEV's uint8 -> float conversion alone, forward+loss, backward, optimizer.</summary>
        public (double Input, double Forward, double Backward, double Optimizer) Profile()
        {
            using var scope = NewDisposeScope();
            long t0 = Stopwatch.GetTimestamp();
            using (no_grad()) _obs[0].to_type(ScalarType.Float32).div_(_pixel).Dispose(); // as CaRLBevCnn.forward
            long t1 = Stopwatch.GetTimestamp();
            var loss = Loss();
            long t2 = Stopwatch.GetTimestamp();
            _adam.ZeroGrad();
            loss.backward();
            long t3 = Stopwatch.GetTimestamp();
            _adam.Step(0.5);
            long t4 = Stopwatch.GetTimestamp();
            return (Stopwatch.GetElapsedTime(t0, t1).TotalSeconds, Stopwatch.GetElapsedTime(t1, t2).TotalSeconds,
                Stopwatch.GetElapsedTime(t2, t3).TotalSeconds, Stopwatch.GetElapsedTime(t3, t4).TotalSeconds);
        }

        private void Run()
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
            var pg = max(-_adv * ratio, -_adv * ratio.clamp(_lo, _hi)).mean();
            var clipped = _oldValue + (e.Value - _oldValue).clamp(_vlo, _vhi);
            var vLoss = max((e.Value - _ret).square(), (clipped - _ret).square()).mean() * _half;
            return pg - e.Entropy.mean() * _ent + vLoss * _half;
        }

        public void Dispose()
        {
            _adam.Dispose();
            _policy.Dispose();
            foreach (var t in _obs.Concat([_act, _oldLogp, _oldValue, _adv, _ret])) t.Dispose();
            foreach (var s in new[] { _lo, _hi, _vlo, _vhi, _half, _ent, _pixel }) s.Dispose();
        }
    }
}
