using ControlRL.Core.Random;
using ControlRL.Core.Tasks;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Env;

/// <summary>
/// Draws training scenarios: a training town, a route of 300-2000 m sampled in it, and the traffic either from the
/// task a curriculum set (<see cref="TaskSpace"/>) or, without one, one of the suites' six condition sets at random.
/// Towns come from <see cref="DrivingData"/>, loaded once per process and shared (so is each town's BEV raster).
/// </summary>
public sealed class TrainingScenarios
{
    /// <summary>Task parameters, in order; the bounds cover the shipped condition sets.</summary>
    public static TaskSpace Space { get; } = new(
        ["vehicles_per_km", "pedestrians_per_km", "parked_per_km", "obstacles", "jaywalkers"],
        [0f, 0f, 0f, 0f, 0f],
        [30f, 30f, 20f, 2f, 3f]);

    private readonly string[] _towns;
    private readonly Dictionary<string, RouteSampler> _samplers = new(StringComparer.Ordinal);
    private int _counter;

    /// <param name="towns">Town names in the shipped data (default: the training towns).</param>
    public TrainingScenarios(IReadOnlyList<string>? towns = null)
    {
        _towns = [.. towns ?? DrivingData.TrainingTowns.Select(t => t.Name)];
        if (_towns.Length == 0) throw new ArgumentException("Training scenarios need at least one town.", nameof(towns));
    }

    /// <summary>The next scenario. <paramref name="task"/>: a point of <see cref="Space"/>, or empty for a random condition set.</summary>
    public DrivingScenario Next(Rng rng, ReadOnlySpan<float> task)
    {
        string townName = _towns[rng.NextInt(_towns.Length)];
        var town = DrivingData.Town(townName);
        if (!_samplers.TryGetValue(townName, out var sampler)) _samplers[townName] = sampler = new RouteSampler(town);
        ulong routeSeed = rng.NextUInt64();
        var planned = sampler.Sample(routeSeed);
        ulong traffic = rng.NextUInt64();
        WorldOptions world;
        if (task.Length == Space.Size)
        {
            world = new WorldOptions
            {
                VehiclesPerKm = task[0],
                PedestriansPerKm = task[1],
                ParkedPerKm = task[2],
                Obstacles = (int)MathF.Round(task[3]),
                Jaywalkers = (int)MathF.Round(task[4]),
                TrafficSeed = traffic,
            };
        }
        else
        {
            var set = DrivingData.ConditionSets[rng.NextInt(DrivingData.ConditionSets.Count)];
            world = new WorldOptions
            {
                VehiclesPerKm = set.VehiclesPerKm,
                PedestriansPerKm = set.PedestriansPerKm,
                ParkedPerKm = set.ParkedPerKm,
                Obstacles = set.Obstacles,
                Jaywalkers = set.Jaywalkers,
                TrafficSeed = traffic,
            };
        }
        string id = $"{townName}_sampled_{_counter++}";
        return new DrivingScenario(id, -1, townName, planned.ToRoute(id), world, traffic);
    }
}
