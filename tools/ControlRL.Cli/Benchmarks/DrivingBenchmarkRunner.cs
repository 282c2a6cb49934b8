using System.Globalization;
using ControlRL.Cli.Logging;
using ControlRL.Core.Vector;
using ControlRL.Envs.Driving.Env;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;
using ControlRL.Scoring.Leaderboard;
using ControlRL.Video;

namespace ControlRL.Cli.Benchmarks;

/// <param name="Suite">The loaded suite.</param>
/// <param name="OutDir">Where results.json (Leaderboard 2.0 format), results.md, nuplan_scores.json and videos/ go.</param>
/// <param name="Resume">Continue an interrupted run in <paramref name="OutDir"/> (the leaderboard's --resume).</param>
/// <param name="VideoRoutes">Suite route ids recorded to videos/&lt;id&gt;.mp4 (BEV colour view).</param>
internal sealed record DrivingBenchmarkRequest(DrivingSuite Suite, string OutDir, bool Resume, IReadOnlySet<string> VideoRoutes, int VideoSize = 512)
{
    public ConsoleProgress? Progress { get; init; }
    public TextWriter Log { get; init; } = TextWriter.Null;
}

/// <summary>What a finished (or interrupted) benchmark wrote.</summary>
internal sealed record DrivingBenchmarkOutcome(string ResultsPath, string MarkdownPath, string? NuPlanPath, GlobalRecord? Global,
    int RoutesDone, int RoutesTotal, IReadOnlyList<string> Videos);

/// <summary>
/// Runs a suite's routes with a policy, in parallel over the sub-envs of a vector env of <see cref="DrivingEnv"/>s,
/// and writes the results as the CARLA leaderboard 2.0 does: one record per route in suite order, the global record
/// at the end, the file rewritten atomically after every route, so an interrupted run resumes at its first unfinished
/// route. Each route's traffic depends on the route's seed only, so a route gives the same record whichever sub-env
/// drives it, and a resumed run the same results as an uninterrupted one (all but duration_system).
/// </summary>
internal static class DrivingBenchmarkRunner
{
    public static DrivingBenchmarkOutcome Run(DrivingBenchmarkRequest request, IVectorEnv env, IBenchmarkPolicy policy, CancellationToken cancel)
    {
        var suite = request.Suite;
        Directory.CreateDirectory(request.OutDir);
        string resultsPath = Path.Combine(request.OutDir, "results.json");
        var routeIds = suite.Routes.Select(r => r.Id).ToArray();
        var checkpoint = ResultsCheckpoint.Open(resultsPath, routeIds, request.Resume);
        if (checkpoint.ResumeNote is { } note) request.Log.WriteLine(note);
        var nuplan = NuPlanRuns.Open(Path.Combine(request.OutDir, NuPlanRuns.FileName), routeIds.Take(checkpoint.NextIndex).ToHashSet(StringComparer.Ordinal));
        int total = suite.Routes.Count;
        var pending = new Queue<int>(Enumerable.Range(checkpoint.NextIndex, total - checkpoint.NextIndex));
        var scenarios = suite.Routes.Select((r, i) => DrivingScenario.FromSuite(r, i)).ToArray();
        var subs = Enumerable.Range(0, env.NumEnvs).Select(i => env.FindInSubEnv<DrivingEnv>(i)
            ?? throw new ArgumentException($"sub-env {i} of {env.Spec.Id} is not a driving env; benchmarks drive the built-in simulator.")).ToArray();
        var videos = new Dictionary<int, Mp4VideoWriter>();
        var frame = new byte[request.VideoSize * request.VideoSize * 3]; // every video has the same size
        var written = new List<string>();
        var started = new bool[total];
        var current = new int[env.NumEnvs];
        var finished = new SortedDictionary<int, RouteRun>();
        request.Progress?.Update(checkpoint.NextIndex);
        try
        {
            if (pending.Count == 0) return Finish();
            // Every sub-env starts a route (the spare ones repeat the last route, unscored), then is assigned its next.
            int last = pending.Last();
            foreach (var sub in subs) sub.Assign(scenarios[pending.Count > 0 ? pending.Dequeue() : last]);
            env.Reset(0);
            for (int i = 0; i < subs.Length; i++) OnStart(i);
            var actions = new float[env.NumEnvs * env.Buffers.ActionSize];
            int nextToCommit = checkpoint.NextIndex;
            while (nextToCommit < total)
            {
                if (cancel.IsCancellationRequested) break;
                policy.Act(env, actions);
                env.Step(actions);
                for (int i = 0; i < subs.Length; i++)
                {
                    if (subs[i].TakeFinished() is { } run)
                    {
                        if (current[i] >= 0 && run.Scenario.Index == current[i]) Finished(current[i], run);
                        OnStart(i);
                    }
                    else if (env.Buffers.Terminated[i] || env.Buffers.Truncated[i])
                    {
                        // Something outside the simulator (a time_limit wrapper in the trained pipeline) cut the route;
                        // it would restart forever, and the leaderboard judges a route by its own rules only.
                        throw new CliUsageException(
                            $"sub-env {i} ended {(current[i] >= 0 ? $"route '{suite.Routes[current[i]].Id}'" : "a spare repeat of a route")} before the simulator did: a wrapper of the env pipeline "
                            + "(e.g. time_limit) ends episodes, and benchmark routes end by the leaderboard's rules only; benchmark without it.");
                    }
                    else if (current[i] >= 0 && videos.TryGetValue(current[i], out var video)) Frame(subs[i], video, frame);
                }
                // Records go into the file in suite order, as the leaderboard's are.
                while (finished.Remove(nextToCommit, out var done))
                {
                    Commit(done);
                    nextToCommit++;
                    request.Progress?.Update(nextToCommit);
                }
            }
            return Finish();
        }
        finally
        {
            foreach (var v in videos.Values) v.Dispose();
        }

        // Sub-env i has just reset into its assigned scenario: score it if it has not run yet, then assign its next.
        void OnStart(int i)
        {
            var scenario = subs[i].Scenario!;
            int index = scenario.Index;
            if (!started[index])
            {
                started[index] = true;
                current[i] = index;
                policy.RouteStarted(i, scenario);
                if (request.VideoRoutes.Contains(scenario.RouteId)) StartVideo(i, index, scenario);
            }
            else current[i] = -1;
            if (pending.Count > 0) subs[i].Assign(scenarios[pending.Dequeue()]);
        }

        void StartVideo(int i, int index, DrivingScenario scenario)
        {
            string dir = Path.Combine(request.OutDir, "videos");
            Directory.CreateDirectory(dir);
            subs[i].SetRenderSize(request.VideoSize, request.VideoSize);
            var writer = new Mp4VideoWriter(Path.Combine(dir, scenario.RouteId + ".mp4"), request.VideoSize, request.VideoSize, 1 / subs[i].Spec.Dt);
            videos[index] = writer;
            Frame(subs[i], writer, frame);
        }

        void Finished(int index, RouteRun run)
        {
            finished[index] = run;
            if (videos.Remove(index, out var writer))
            {
                writer.Complete();
                written.Add(writer.Path);
                writer.Dispose();
            }
            request.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"route {run.Scenario.RouteId} ({index + 1}/{total}): RC {run.RouteCompletion:0.##}%, {run.Infractions.Count} infraction(s), {run.End}"));
        }

        void Commit(RouteRun run)
        {
            checkpoint.Add(RouteScoring.Compute(Facts(run, suite.Name)));
            nuplan.Add(run, NuPlanRuns.ExpertProgress(run.Scenario));
        }

        DrivingBenchmarkOutcome Finish()
        {
            GlobalRecord? global = checkpoint.NextIndex >= total ? checkpoint.Finish() : null;
            string md = Path.Combine(request.OutDir, "results.md");
            ResultsWriter.WriteAtomically(md, MarkdownReport.Format(checkpoint.Results, global ?? checkpoint.Results.ComputeGlobal()));
            string? nuplanPath = nuplan.Write();
            return new DrivingBenchmarkOutcome(resultsPath, md, nuplanPath, global, checkpoint.NextIndex, total, written);
        }
    }

    private static void Frame(DrivingEnv sub, Mp4VideoWriter writer, byte[] frame)
    {
        sub.Render(frame);
        writer.Write(frame);
    }

    /// <summary>The leaderboard's view of a route run: its events with the leaderboard's messages.</summary>
    internal static RouteFacts Facts(RouteRun run, string suiteName)
    {
        var infractions = new List<Infraction>(run.Infractions.Count);
        foreach (var e in run.Infractions)
        {
            if (e.ToLeaderboard() is { } infraction) infractions.Add(infraction);
        }
        return new RouteFacts
        {
            RouteId = run.Scenario.RouteId,
            Index = run.Scenario.Index,
            RouteLength = run.Scenario.Route.Length,
            RouteCompletion = run.RouteCompletion,
            TargetReached = run.Completed,
            Infractions = infractions,
            DurationGame = run.DurationGame,
            DurationSystem = run.DurationSystem,
            TownName = run.Scenario.TownName,
            ScenarioName = suiteName,
        };
    }
}
