using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ControlRL.Cli.Commands;
using ControlRL.Cli.Hosting;
using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;
using ControlRL.Envs.MuJoCo;

namespace ControlRL.Cli.Bench;

/// <summary>What one <c>bench render</c> run measured.</summary>
public sealed record RenderBenchResult(string EnvId, int Width, int Height, string? Camera, int Frames,
    double FirstFrameMs, double RenderSeconds, double CpuCores, string? Backend)
{
    public double FramesPerSecond => Frames / RenderSeconds;
}

/// <summary>
/// <c>controlrl bench render &lt;env&gt;</c>: frames per second of <see cref="IRenderable.Render"/> alone, on the
/// calling thread. The env steps with random actions between frames (untimed) so every frame draws a new state;
/// the first frame, which creates the OpenGL and MuJoCo render contexts, is reported on its own.
/// </summary>
public static class RenderBench
{
    public static Command Create(CliServices services)
    {
        var id = new Argument<string>("id") { Description = "Env id to render (an env that implements IRenderable)." };
        var size = new Option<int>("--size") { Description = "Frame width and height in pixels.", DefaultValueFactory = _ => 256 }.WholeNumber(1, 4096);
        var frames = new Option<int>("--frames") { Description = "Timed frames (after the first).", DefaultValueFactory = _ => 500 }.WholeNumber(1, 1_000_000);
        var camera = new Option<string?>("--camera") { Description = "MuJoCo camera name, or 'free' (default: the env's, as Gymnasium's)." };
        var seed = new Option<ulong>("--seed", "-s") { Description = "Seed of the reset and the random actions.", DefaultValueFactory = _ => 1 }.WholeNumber(0);
        var cmd = new Command("render", "Frames per second of offscreen rendering (rgb_array) on one thread.") { id, size, frames, camera, seed };
        cmd.SetAction(parse => CommandRunner.Run(services, ct =>
        {
            string envId = parse.GetValue(id)!;
            int s = parse.GetValue(size), n = parse.GetValue(frames);
            if (s < 1) throw new CliUsageException($"--size must be >= 1 (got {s}).");
            if (n < 1) throw new CliUsageException($"--frames must be >= 1 (got {n}).");
            var envs = services.Envs();
            CommandRunner.RequireEnv(envs, envId);
            var result = Run(envs, envId, s, s, n, parse.GetValue(camera), parse.GetValue(seed), ct);
            services.Out.Write(Format(result));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    public static RenderBenchResult Run(EnvRegistry envs, string envId, int width, int height, int frames, string? camera,
        ulong seed, CancellationToken ct)
    {
        using IEnv env = envs.Make(envId);
        IRenderable renderer = env.Find<IRenderable>()
            ?? throw new CliUsageException($"env '{envId}' does not render (it does not implement IRenderable).");
        MuJoCoEnv? mujoco = env.Find<MuJoCoEnv>();
        if (camera is not null)
        {
            if (mujoco is null) throw new CliUsageException($"--camera applies to MuJoCo envs only; '{envId}' is not one.");
            try
            {
                mujoco.Camera = camera;
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException(e.Message, e);
            }
        }
        try
        {
            renderer.SetRenderSize(width, height);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CliUsageException($"--size {width}: {e.Message}", e);
        }

        var obs = new float[env.Spec.ObservationSpace.FlatSize];
        var action = new float[env.Spec.ActionSpace.FlatSize];
        var terms = new float[env.Spec.RewardTerms.Count];
        var box = env.Spec.ActionSpace as Box;
        var rng = new Rng(seed);
        var frame = new byte[width * height * 3];
        env.Reset(obs, seed);

        long start = Stopwatch.GetTimestamp();
        renderer.Render(frame);
        double firstMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        long ticks = 0;
        using var process = Process.GetCurrentProcess();
        TimeSpan cpuStart = process.TotalProcessorTime;
        long loopStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < frames; i++)
        {
            ct.ThrowIfCancellationRequested();
            if (box is not null)
            {
                for (int k = 0; k < action.Length; k++) action[k] = (float)rng.Uniform(box.Low[k], box.High[k]);
            }
            StepOutcome outcome = env.Step(action, obs, terms);
            if (outcome.Terminated || outcome.Truncated) env.Reset(obs);

            long t0 = Stopwatch.GetTimestamp();
            renderer.Render(frame);
            ticks += Stopwatch.GetTimestamp() - t0;
        }
        double loopSeconds = Stopwatch.GetElapsedTime(loopStart).TotalSeconds;
        process.Refresh();
        double cores = (process.TotalProcessorTime - cpuStart).TotalSeconds / loopSeconds;
        return new RenderBenchResult(envId, width, height, mujoco?.Camera, frames, firstMs,
            (double)ticks / Stopwatch.Frequency, cores, mujoco?.RenderBackend);
    }

    public static string Format(RenderBenchResult r)
    {
        var sb = new StringBuilder();
        string camera = r.Camera is null ? "" : $", camera {r.Camera}";
        sb.Append(CultureInfo.InvariantCulture, $"render {r.EnvId} {r.Width}x{r.Height}{camera}, {r.Frames} frames on one thread\n");
        if (r.Backend is not null) sb.Append(CultureInfo.InvariantCulture, $"backend: {r.Backend}\n");
        sb.Append(CultureInfo.InvariantCulture, $"first frame (creates the render contexts): {r.FirstFrameMs:0.0} ms\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"frames/s: {r.FramesPerSecond:0.0} ({1000 / r.FramesPerSecond:0.00} ms/frame), process CPU {r.CpuCores:0.00} cores over the loop (stepping included)\n");
        return sb.ToString();
    }
}
