using System.Globalization;
using ControlRL.Cli.Hosting;
using ControlRL.Core.Random;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;
using ControlRL.Learning.Checkpoints;
using ControlRL.Learning.Evaluation;
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
        var tasks = request.TestTasks > 0 ? DrawTestSet(env, request, envId) : null;
        int episodes = tasks?.Count ?? request.Episodes;
        using var video = request.VideoPath is null ? null : OpenVideo(env, request, envId, episodes);
        var observer = new EpisodeLog(env, request, tasks, video);
        var run = EpisodeEvaluator.Run(env, (obs, actions) => actor.Act(obs, actions, 1, request.Deterministic),
            episodes, request.Seed, cancellationToken, observer,
            beforeReset: tasks is null ? null : episode => tasks[episode].CopyTo(env.Buffers.PendingTask(0)));
        if (video is { FrameCount: > 0 }) // none when interrupted before the first reset: no file
        {
            video.Complete();
            request.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"video: wrote {video.Path} ({video.EpisodesEnded} episode(s), {video.FrameCount} frames of {video.Width}x{video.Height} at {video.Fps:0.##} fps)"));
        }
        var returns = run.Returns.ToList();
        var lengths = run.Lengths.ToList();
        var result = tasks is null
            ? new EvalResult(envId, returns, lengths)
            : new EvalResult(envId, returns, lengths, tasks.Take(returns.Count).ToArray(), request.MasteredReturn, env.TaskSpace!.Names);
        return result with { Info = run.Info, Events = observer.Events };
    }

    /// <summary>What eval prints and records while episodes run: events as they happen, a line per finished
    /// episode (task, return, length, info), progress, and the video's frames.</summary>
    private sealed class EpisodeLog(IVectorEnv env, EvalRequest request, List<float[]>? tasks, VectorEnvVideo? video) : IEpisodeObserver
    {
        private readonly RecordEpisodeStatistics _stats = env.Find<RecordEpisodeStatistics>()!;
        private readonly List<double> _returns = [];

        public List<EvalEvent> Events { get; } = [];

        public void OnEpisodeStart(int episode, IVectorEnv e) => video?.AfterReset();

        public void OnStep(int episode, IVectorEnv e, bool done)
        {
            video?.AfterStep();
            var eventNames = _stats.EventNames;
            foreach (var ev in e.Buffers.Events(0))
            {
                string kind = (uint)ev.Kind < (uint)eventNames.Count ? eventNames[ev.Kind] : $"kind {ev.Kind}";
                Events.Add(new EvalEvent(episode, kind, ev.X, ev.Y, ev.Value));
                request.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"episode {episode}: {kind} at ({ev.X:0.##}, {ev.Y:0.##}), value {ev.Value:0.###}"));
            }
            if (!done) return;
            var ep = _stats.CompletedThisStep[0];
            _returns.Add(ep.Return);
            var names = _stats.InfoNames;
            var values = ep.Info.Span;
            string facts = "";
            for (int k = 0; k < names.Count && k < values.Length; k++)
                facts += string.Create(CultureInfo.InvariantCulture, $", {names[k]} {values[k]:0.###}");
            string task = tasks is null ? "" : $" task [{string.Join(", ", tasks[episode].Select(x => x.ToString("0.###", CultureInfo.InvariantCulture)))}]";
            request.Log.WriteLine($"episode {episode}:{task} return {ep.Return:F2}, length {ep.Length}{facts}");
            request.Progress?.Update(_returns.Count, _returns.Average());
        }
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
