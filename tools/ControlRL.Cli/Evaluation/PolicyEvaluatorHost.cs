using ControlRL.Cli.Hosting;
using ControlRL.Core.Random;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;
using ControlRL.Learning.Checkpoints;
using ControlRL.Learning.Algorithms;
using ControlRL.Models.Policies;
using ControlRL.Video;

namespace ControlRL.Cli.Evaluation;

/// <summary>
/// Evaluates a checkpoint: one env, episode i seeded Seed + i, observation normalization frozen at the
/// checkpoint's statistics, rewards raw (no reward normalization), actions from the managed actor.
/// </summary>
public sealed class PolicyEvaluatorHost : IEvaluatorHost
{
    public EvalResult Evaluate(EvalRequest request, CancellationToken cancellationToken)
    {
        CheckpointMeta meta;
        try
        {
            meta = PpoCheckpoint.ReadMeta(request.CheckpointDir);
        }
        catch (InvalidDataException e)
        {
            throw new CliUsageException(e.Message);
        }
        var cfg = meta.Config;
        string envId = request.EnvId ?? meta.EnvId;
        IVectorEnv env;
        ActorCritic policy;
        try
        {
            // Whatever algorithm trained it: its env pipeline and observation normalization, one sub-env.
            env = AlgorithmEnvironment.BuildForEval(request.Envs, cfg, envId);
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"eval: cannot build {envId} as the checkpoint was trained: {e.Message}");
        }
        using var _ = env;
        if (request.VideoPath is not null && VectorEnvVideo.FindRenderable(env) is null)
            throw new CliUsageException($"--video: {envId} cannot render video frames (it does not implement IRenderable); evaluate without --video.");
        try
        {
            policy = PpoCheckpoint.LoadPolicy(request.CheckpointDir, meta, env.Spec);
        }
        catch (InvalidDataException e)
        {
            throw new CliUsageException(e.Message);
        }
        using var __ = policy;
        if (policy.HasManagedActor && policy.ObservationSize != env.Buffers.ObservationSize)
            throw new CliUsageException($"checkpoint policy expects {policy.ObservationSize} observations but {envId} gives {env.Buffers.ObservationSize}.");
        PpoCheckpoint.RestoreEnvState(env, PpoCheckpoint.ReadState(request.CheckpointDir).Doubles);
        using var actor = new PolicyActor(policy, env.Buffers.ObservationSpace, request.Seed ^ 0xE7A1UL, cfg.Device);
        var stats = env.Find<RecordEpisodeStatistics>()!;
        var actions = new float[env.Buffers.ActionSize];
        var returns = new List<double>();
        var lengths = new List<int>();
        var tasks = request.TestTasks > 0 ? DrawTestSet(env, request, envId) : null;
        int episodes = tasks?.Count ?? request.Episodes;
        var infoNames = stats.InfoNames;
        var info = infoNames.ToDictionary(n => n, _ => new List<double>(), StringComparer.Ordinal);
        var eventNames = stats.EventNames;
        var events = new List<EvalEvent>();
        using var video = request.VideoPath is null ? null : OpenVideo(env, request, envId, episodes);
        for (int episode = 0; episode < episodes && !cancellationToken.IsCancellationRequested; episode++)
        {
            if (tasks is not null) tasks[episode].CopyTo(env.Buffers.PendingTask(0));
            env.Reset(request.Seed + (ulong)episode);
            video?.AfterReset();
            while (true)
            {
                actor.Act(env.Buffers.Obs, actions, 1, request.Deterministic);
                env.Step(actions);
                video?.AfterStep();
                foreach (var ev in env.Buffers.Events(0))
                {
                    string kind = (uint)ev.Kind < (uint)eventNames.Count ? eventNames[ev.Kind] : $"kind {ev.Kind}";
                    events.Add(new EvalEvent(episode, kind, ev.X, ev.Y, ev.Value));
                    request.Log.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"episode {episode}: {kind} at ({ev.X:0.##}, {ev.Y:0.##}), value {ev.Value:0.###}"));
                }
                if (stats.CompletedThisStep.Count > 0)
                {
                    returns.Add(stats.CompletedThisStep[0].Return);
                    lengths.Add(stats.CompletedThisStep[0].Length);
                    var episodeInfo = stats.CompletedThisStep[0].Info.Span;
                    for (int k = 0; k < infoNames.Count; k++) info[infoNames[k]].Add(episodeInfo[k]);
                    string task = tasks is null ? "" : $" task [{string.Join(", ", tasks[episode].Select(x => x.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)))}]";
                    string facts = string.Concat(infoNames.Select(n => string.Create(System.Globalization.CultureInfo.InvariantCulture, $", {n} {info[n][^1]:0.###}")));
                    request.Log.WriteLine($"episode {episode}:{task} return {returns[^1]:F2}, length {lengths[^1]}{facts}");
                    request.Progress?.Update(returns.Count, returns.Average());
                    break;
                }
            }
        }
        if (video is { FrameCount: > 0 }) // none when interrupted before the first reset: no file
        {
            video.Complete();
            request.Log.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"video: wrote {video.Path} ({video.EpisodesEnded} episode(s), {video.FrameCount} frames of {video.Width}x{video.Height} at {video.Fps:0.##} fps)"));
        }
        var result = tasks is null
            ? new EvalResult(envId, returns, lengths)
            : new EvalResult(envId, returns, lengths, tasks.Take(returns.Count).ToArray(), request.MasteredReturn, env.TaskSpace!.Names);
        return result with { Info = info.ToDictionary(e => e.Key, e => (IReadOnlyList<double>)e.Value, StringComparer.Ordinal), Events = events };
    }

    // The first VideoEpisodes episodes of the one sub-env, at 1 / dt frames per second. The file gets its final name
    // when the evaluation ends; if it fails midway (a diverged simulator), disposing still completes the file, which
    // then shows what happened up to the failure. Bad paths and sizes are reported before any episode runs.
    private static VectorEnvVideo OpenVideo(IVectorEnv env, EvalRequest request, string envId, int episodes)
    {
        try
        {
            return new VectorEnvVideo(env, request.VideoPath!, subEnv: 0, maxEpisodes: Math.Clamp(request.VideoEpisodes, 1, Math.Max(1, episodes)),
                request.VideoWidth, request.VideoHeight);
        }
        catch (Exception e) when (e is ArgumentException or IOException or NotSupportedException)
        {
            throw new CliUsageException($"--video: cannot record {envId} to '{request.VideoPath}': {e.Message}", e);
        }
    }

    // A fixed test set: tasks drawn uniformly from the env's task space with their own seed, independent of the policy.
    private static List<float[]> DrawTestSet(IVectorEnv env, EvalRequest request, string envId)
    {
        var space = env.TaskSpace
            ?? throw new CliUsageException($"--test-tasks: {envId} has no task parameters (it is not a parameterized env).");
        var rng = new Rng(request.TestSetSeed);
        var tasks = new List<float[]>(request.TestTasks);
        for (int k = 0; k < request.TestTasks; k++)
        {
            var t = new float[space.Size];
            for (int d = 0; d < t.Length; d++) t[d] = (float)rng.Uniform(space.Low[d], space.High[d]);
            tasks.Add(t);
        }
        return tasks;
    }
}
