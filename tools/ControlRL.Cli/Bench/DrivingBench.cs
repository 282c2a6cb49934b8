using System.CommandLine;
using System.Globalization;
using System.Text;
using ControlRL.Cli.Commands;
using ControlRL.Cli.Hosting;
using ControlRL.Core.Spaces;
using ControlRL.Envs.Driving;
using ControlRL.Envs.Driving.Bev;
using ControlRL.Envs.Driving.Env;
using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Cli.Bench;

/// <summary>One case of <c>bench driving</c>: env steps per second of CPU time on one thread.</summary>
public sealed record DrivingBenchRow(string EnvId, int RasterWidth, int RasterHeight, double VehiclesPerKm, long Steps,
    double EnvCpuSeconds, double ExpertCpuSeconds, double WallSeconds, double ActorsInView, double ActorsTotal, bool CpuClock)
{
    public double EnvStepsPerSecond => Steps / EnvCpuSeconds;
    public double WithExpertStepsPerSecond => Steps / (EnvCpuSeconds + ExpertCpuSeconds);
}

/// <summary>
/// <c>controlrl bench driving</c>: the driving env's steps per second on one thread (simulation, infractions, BEV
/// raster and measurements: the whole <c>Step</c>), with the rule-based expert driving held-out routes so traffic,
/// junctions and pedestrians are what an episode meets. The expert's own time is measured apart. Traffic density is
/// varied per case, and both rasters are measured; "in view" counts the actors inside the observed raster.
/// </summary>
public static class DrivingBench
{
    public static Command Create(CliServices services)
    {
        var traffic = new Option<string>("--traffic") { HelpName = "N,N,...", Description = "Vehicles per km of lane for each case (pedestrians per km the same, parked cars half).", DefaultValueFactory = _ => "0,10,20,40" };
        var steps = new Option<int>("--steps") { Description = "Timed env steps per case (after 200 untimed).", DefaultValueFactory = _ => 5000 }.WholeNumber(1, 10_000_000);
        var envIds = new Option<string>("--envs") { HelpName = "id,id", Description = "Driving env ids (rasters) to compare.", DefaultValueFactory = _ => string.Join(",", DrivingEnvs.Ids) };
        var suite = new Option<string>("--suite") { Description = "Suite whose routes are driven, in order.", DefaultValueFactory = _ => "heldout36" };
        var cmd = new Command("driving", "Driving simulator steps per second on one thread (world + infractions + BEV), by traffic density and raster size.") { traffic, steps, envIds, suite };
        cmd.SetAction(parse => CommandRunner.Run(services, ct =>
        {
            var densities = ParseList(parse.GetValue(traffic)!, "--traffic");
            var ids = parse.GetValue(envIds)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (string id in ids)
                if (!DrivingEnvs.Ids.Contains(id)) throw new CliUsageException($"--envs: '{id}' is not a driving env ({string.Join(", ", DrivingEnvs.Ids)}).");
            var s = Benchmarks.BenchmarkEval.LoadSuite(parse.GetValue(suite)!);
            var rows = new List<DrivingBenchRow>();
            foreach (string id in ids)
                foreach (double d in densities)
                {
                    if (ct.IsCancellationRequested) break;
                    rows.Add(Run(id, d, s, parse.GetValue(steps), ct));
                    services.Err.WriteLine(Format([rows[^1]]).Split('\n')[1]);
                }
            CommandRunner.ThrowIfInterrupted(ct, "bench driving interrupted; nothing reported.");
            services.Out.Write(Format(rows));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static double[] ParseList(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !(values[i] >= 0) || values[i] > 1000)
                throw new CliUsageException($"{option}: '{parts[i]}' is not a number in 0..1000.");
        }
        if (values.Length == 0) throw new CliUsageException($"{option} is empty.");
        return values;
    }

    public static DrivingBenchRow Run(string envId, double vehiclesPerKm, DrivingSuite suite, int steps, CancellationToken ct)
    {
        var options = DrivingEnvs.Options(envId);
        using var env = new DrivingEnv(options);
        var expert = new DrivingEnvExpert();
        var obs = new ObservationBatch(env.Spec.ObservationSpace, 1);
        var terms = new float[env.Spec.RewardTerms.Count];
        var info = new float[env.Spec.Info.Count];
        var action = new float[2];
        int route = 0;
        void Start()
        {
            var scenario = DrivingScenario.FromSuite(suite.Routes[route % suite.Routes.Count], route % suite.Routes.Count);
            scenario = scenario with
            {
                World = scenario.World with { VehiclesPerKm = vehiclesPerKm, PedestriansPerKm = vehiclesPerKm, ParkedPerKm = vehiclesPerKm / 2 },
            };
            route++;
            env.Assign(scenario);
            env.Reset(obs.Row(0));
        }
        Start();
        double envCpu = 0, expertCpu = 0, inView = 0, total = 0;
        bool cpuClock = ThreadCpuClock.Now() is not null;
        var wall = LoopTimer.Start();
        for (int i = -200; i < steps && !ct.IsCancellationRequested; i++)
        {
            double? t0 = ThreadCpuClock.Now();
            expert.Act(env, action);
            double? t1 = ThreadCpuClock.Now();
            var outcome = env.Step(action, obs.Row(0), terms, info);
            double? t2 = ThreadCpuClock.Now();
            if (i < 0) continue;
            if (i == 0) wall = LoopTimer.Start();
            expertCpu += (t1 - t0) ?? 0;
            envCpu += (t2 - t1) ?? 0;
            var world = env.World!;
            total += world.Actors.Length;
            inView += CountInView(options.Bev, world.EgoBox, world.Actors);
            if (outcome.Terminated || outcome.Truncated) Start();
        }
        var (w, _) = wall.Stop();
        if (!cpuClock) envCpu = w;
        return new DrivingBenchRow(envId, options.Bev.Width, options.Bev.Height, vehiclesPerKm, steps, envCpu, expertCpu, w,
            inView / steps, total / steps, cpuClock);
    }

    private static int CountInView(BevConfig bev, OrientedBox ego, ReadOnlySpan<Envs.Driving.Simulation.ActorState> actors)
    {
        int n = 0;
        foreach (var a in actors)
        {
            Vec2 px = bev.WorldToPixel(ego, a.Box.Centre);
            if (px.X >= 0 && px.X < bev.Width && px.Y >= 0 && px.Y < bev.Height) n++;
        }
        return n;
    }

    public static string Format(IReadOnlyList<DrivingBenchRow> rows)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{"env",-16} {"raster",9} {"veh/km",7} {"in view",8} {"actors",7} {"env steps/s",12} {"with expert",12}\n");
        foreach (var r in rows)
            sb.Append(CultureInfo.InvariantCulture,
                $"{r.EnvId,-16} {r.RasterWidth + "x" + r.RasterHeight,9} {r.VehiclesPerKm,7:0.#} {r.ActorsInView,8:0.0} {r.ActorsTotal,7:0.0} {r.EnvStepsPerSecond,12:0} {r.WithExpertStepsPerSecond,12:0}\n");
        sb.Append(rows.Count > 0 && rows[0].CpuClock ? "(per second of this thread's CPU time: one core)\n" : "(wall-clock: no thread CPU clock here)\n");
        return sb.ToString();
    }
}
