using ControlRL.Core.Random;

namespace ControlRL.Envs.Driving.Roads;

/// <summary>Knobs of <see cref="RouteSampler"/>.</summary>
public sealed record RouteSamplerOptions
{
    /// <summary>Shortest route length, metres (inclusive).</summary>
    public double MinLength { get; init; } = 300;

    /// <summary>Longest route length, metres (inclusive).</summary>
    public double MaxLength { get; init; } = 2000;

    /// <summary>Routes drawn per sample (same target length, different starts); the one crossing the most junctions with the most turns is kept.</summary>
    public int Candidates { get; init; } = 4;

    /// <summary>Random walks tried per sample before giving up.</summary>
    public int MaxAttempts { get; init; } = 400;

    /// <summary>Weight of a turning exit against a straight one (1) when the walk picks the next road.</summary>
    public double TurnWeight { get; init; } = 1.5;

    /// <summary>Keep the start and goal this far from their lane's ends, metres.</summary>
    public double EndMargin { get; init; } = 5;

    /// <summary>Only keep routes that drive on at least this many roads with two or more lanes per direction.</summary>
    public int MinMultiLaneRoads { get; init; }

    public static RouteSamplerOptions Default { get; } = new();
}

/// <summary>
/// Random routes of a target length: a random start on a road lane, then a walk that picks the next road at every
/// junction (turns weighted up; changing lanes where the chosen exit needs it) and never drives a road twice, ending
/// where the drawn length is reached. Of a few such walks the one with the most junctions and turns is kept.
/// Deterministic for a given generator state.
/// </summary>
public sealed class RouteSampler
{
    private readonly RoadNetwork _town;
    private readonly RouteSamplerOptions _o;
    private readonly RoutePlanner _planner;
    private readonly int[] _roadLanes;

    public RouteSampler(RoadNetwork town, RouteSamplerOptions? options = null, RoutePlannerOptions? planner = null)
    {
        ArgumentNullException.ThrowIfNull(town);
        _town = town;
        _o = options ?? RouteSamplerOptions.Default;
        if (!(_o.MinLength > 0 && _o.MaxLength >= _o.MinLength && double.IsFinite(_o.MaxLength)))
            throw new ArgumentException($"route length range [{_o.MinLength}, {_o.MaxLength}] m is not a positive interval.");
        _planner = new RoutePlanner(town, planner);
        _roadLanes = [.. town.Lanes.Where(l => !l.InJunction).Select(l => l.Id)];
        if (_roadLanes.Length == 0) throw new ArgumentException($"town '{town.Name}' has no lanes outside junctions to start on.");
    }

    public RoutePlanner Planner => _planner;

    public PlannedRoute Sample(ulong seed) => Sample(new Rng(seed));

    /// <summary>A route within the length range; throws when none was found within the attempts.</summary>
    public PlannedRoute Sample(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        PlannedRoute? best = null;
        int found = 0;
        // One drawn length per sample (so lengths spread evenly over the range), redrawn if it keeps failing.
        double target = rng.Uniform(_o.MinLength, _o.MaxLength);
        for (int attempt = 0; attempt < _o.MaxAttempts && found < Math.Max(1, _o.Candidates); attempt++)
        {
            if (found == 0 && attempt > 0 && attempt % 50 == 0) target = rng.Uniform(_o.MinLength, _o.MaxLength);
            var route = Walk(rng, target);
            if (route is null || route.Length < _o.MinLength || route.Length > _o.MaxLength || route.MultiLaneRoads < _o.MinMultiLaneRoads) continue;
            found++;
            if (best is null || Score(route) > Score(best)) best = route;
        }
        return best ?? throw new InvalidOperationException(
            $"town '{_town.Name}': no route of {_o.MinLength:0}-{_o.MaxLength:0} m found in {_o.MaxAttempts} attempts.");
    }

    private static double Score(PlannedRoute r) => r.Junctions + 2 * r.Turns;

    private PlannedRoute? Walk(Rng rng, double target)
    {
        int first = _roadLanes[rng.NextInt(_roadLanes.Length)];
        var lane = _town.Lanes[first];
        double usable = lane.Length - 2 * _o.EndMargin;
        if (usable <= 0) return null;
        var start = new LanePoint(first, _o.EndMargin + rng.NextDouble() * 0.6 * usable);
        var lanes = new List<int> { first };
        var visited = new HashSet<int> { RoadKey(lane) };
        double entry = start.S, driven = 0;
        while (true)
        {
            lane = _town.Lanes[lanes[^1]];
            if (!lane.InJunction && driven + lane.Length - entry - _o.EndMargin >= target)
            {
                double s = Math.Clamp(entry + (target - driven), Math.Min(entry + _o.EndMargin, lane.Length - _o.EndMargin), lane.Length - _o.EndMargin);
                if (s <= entry) return null;
                var goal = new LanePoint(lane.Id, s);
                return _planner.TryFollow(lanes, start, goal, out _, out _) is null ? _planner.Follow(lanes, start, goal) : null;
            }
            if (lane.InJunction)
            {
                // Inside a junction: follow the connector to the next lane.
                driven += lane.Length - entry;
                lanes.Add(lane.Successors[rng.NextInt(lane.Successors.Length)]);
                entry = 0;
                continue;
            }
            // Exits from this lane and its same-direction neighbours; reaching a neighbour's exit needs lane changes.
            var options = new List<(List<int> Changes, int Exit, double Driven, double Weight)>();
            foreach (var (changes, at, extra) in Reachable(lane.Id, entry))
                foreach (int exit in _town.Lanes[changes.Count > 0 ? changes[^1] : lane.Id].Successors)
                {
                    var next = _town.Lanes[exit];
                    int key = next.InJunction && next.Successors.Length > 0 ? RoadKey(_town.Lanes[next.Successors[0]]) : RoadKey(next);
                    if (visited.Contains(key)) continue;
                    options.Add((changes, exit, extra + _town.Lanes[changes.Count > 0 ? changes[^1] : lane.Id].Length - at,
                        next.Turn == Turn.Straight ? 1 : _o.TurnWeight));
                }
            if (options.Count == 0) return null;
            double total = options.Sum(x => x.Weight), u = rng.NextDouble() * total;
            var pick = options[^1];
            foreach (var x in options)
            {
                if (u < x.Weight)
                {
                    pick = x;
                    break;
                }
                u -= x.Weight;
            }
            lanes.AddRange(pick.Changes);
            lanes.Add(pick.Exit);
            driven += pick.Driven;
            entry = 0;
            var exitLane = _town.Lanes[pick.Exit];
            visited.Add(exitLane.InJunction && exitLane.Successors.Length > 0 ? RoadKey(_town.Lanes[exitLane.Successors[0]]) : RoadKey(exitLane));
        }
    }

    /// <summary>
    /// The current lane and every same-direction neighbour reachable by successive lane changes from
    /// <paramref name="lane"/> entered at <paramref name="entry"/>: the lanes changed into, where the route enters the
    /// last one, and the metres driven until then.
    /// </summary>
    private IEnumerable<(List<int> Changes, double At, double Driven)> Reachable(int lane, double entry)
    {
        yield return ([], entry, 0);
        foreach (bool left in new[] { true, false })
        {
            var changes = new List<int>();
            int cur = lane;
            double at = entry, driven = 0;
            while (true)
            {
                int nb = left ? _town.Lanes[cur].LeftNeighbour : _town.Lanes[cur].RightNeighbour;
                if (nb < 0 || !_planner.TryLaneChange(cur, at, nb, out double c0, out double landing)) break;
                driven += c0 + _planner.Options.LaneChangeLength - at;
                changes.Add(nb);
                cur = nb;
                at = landing;
                yield return ([.. changes], at, driven);
            }
        }
    }

    /// <summary>Roads are keyed by id; lanes without a road stand for themselves.</summary>
    private static int RoadKey(Lane l) => l.RoadId >= 0 ? l.RoadId : -1 - l.Id;
}
