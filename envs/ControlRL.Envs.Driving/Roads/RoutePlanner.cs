using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Roads;

/// <summary>A point on a lane: the lane id and the arc length along its centre line.</summary>
public readonly record struct LanePoint(int Lane, double S);

/// <summary>
/// Lane-change rules of <see cref="RoutePlanner"/>. A change starts <see cref="LaneChangeLead"/> metres after the
/// route enters the lane (or after the start), blends over <see cref="LaneChangeLength"/> metres, and must land at
/// least <see cref="MinDistanceBeforeEnd"/> metres before the end of the target lane; it costs
/// <see cref="LaneChangePenalty"/> metres extra so the planner changes lanes only when it pays.
/// </summary>
public sealed record RoutePlannerOptions
{
    public double LaneChangePenalty { get; init; } = 30;
    public double LaneChangeLength { get; init; } = 15;
    public double LaneChangeLead { get; init; } = 5;
    public double MinDistanceBeforeEnd { get; init; } = 20;

    public static RoutePlannerOptions Default { get; } = new();
}

/// <summary>A route found by <see cref="RoutePlanner"/>: the lanes in order, the start and goal, and the path between them.</summary>
public sealed class PlannedRoute
{
    internal PlannedRoute(RoadNetwork town, IReadOnlyList<int> lanes, LanePoint start, LanePoint goal, Polyline path)
    {
        Town = town;
        Lanes = lanes;
        Start = start;
        Goal = goal;
        Path = path;
        for (int i = 0; i < lanes.Count; i++)
        {
            var l = town.Lanes[lanes[i]];
            if (l.InJunction)
            {
                Junctions++;
                if (l.Turn != Turn.Straight) Turns++;
            }
            if (i > 0 && (town.Lanes[lanes[i - 1]].LeftNeighbour == l.Id || town.Lanes[lanes[i - 1]].RightNeighbour == l.Id)) LaneChanges++;
        }
        MultiLaneRoads = lanes.Select(id => town.Lanes[id]).Where(l => l.RoadId >= 0 && (l.LeftNeighbour >= 0 || l.RightNeighbour >= 0))
            .Select(l => l.RoadId).Distinct().Count();
    }

    public RoadNetwork Town { get; }
    public IReadOnlyList<int> Lanes { get; }
    public LanePoint Start { get; }
    public LanePoint Goal { get; }

    /// <summary>From the start point to the goal point along the lane centre lines, lane changes blended.</summary>
    public Polyline Path { get; }

    public double Length => Path.Length;

    /// <summary>Junction connectors driven (junctions crossed).</summary>
    public int Junctions { get; }

    /// <summary>Connectors that turn left or right.</summary>
    public int Turns { get; }

    public int LaneChanges { get; }

    /// <summary>Roads with two or more lanes per direction that the route drives on (room for lane-blocking obstacles).</summary>
    public int MultiLaneRoads { get; }

    public Route ToRoute(string id) => new(id, Town, Lanes, Path);
}

/// <summary>
/// Shortest routes over the lane graph: successor edges cost their length; a lane change to a neighbour costs the
/// distance driven plus a penalty and is allowed only where it finishes well before the lane's end. Also rebuilds the
/// path of a given lane sequence by the same rules (suite files store the lanes; the path is derived).
/// </summary>
public sealed class RoutePlanner
{
    private readonly RoadNetwork _town;
    private readonly RoutePlannerOptions _o;

    public RoutePlanner(RoadNetwork town, RoutePlannerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(town);
        _town = town;
        _o = options ?? RoutePlannerOptions.Default;
    }

    public RoadNetwork Town => _town;
    public RoutePlannerOptions Options => _o;

    /// <summary>The shortest route from <paramref name="start"/> to <paramref name="goal"/>; throws when there is none.</summary>
    public PlannedRoute Plan(LanePoint start, LanePoint goal) =>
        TryPlan(start, goal) ?? throw new InvalidOperationException($"town '{_town.Name}': no route from lane {start.Lane} at {start.S:0.##} m to lane {goal.Lane} at {goal.S:0.##} m.");

    /// <summary>The shortest route, or null when the goal cannot be reached.</summary>
    public PlannedRoute? TryPlan(LanePoint start, LanePoint goal)
    {
        CheckPoint(start, nameof(start));
        CheckPoint(goal, nameof(goal));
        int n = _town.Lanes.Count;
        // States: lane x {entered from a predecessor at s = 0, entered by a lane change}, plus the start.
        int startState = 2 * n;
        var cost = new double[2 * n + 1];
        var entry = new double[2 * n + 1];
        var prev = new int[2 * n + 1];
        Array.Fill(cost, double.PositiveInfinity);
        cost[startState] = 0;
        entry[startState] = start.S;
        prev[startState] = -1;
        var queue = new PriorityQueue<int, double>();
        queue.Enqueue(startState, 0);
        double best = double.PositiveInfinity;
        int bestState = -1;
        while (queue.TryDequeue(out int state, out double c))
        {
            if (c > cost[state]) continue;
            if (c >= best) break;
            int laneId = state == startState ? start.Lane : state >> 1;
            var lane = _town.Lanes[laneId];
            double e = entry[state];
            if (laneId == goal.Lane && goal.S > e && c + goal.S - e < best)
            {
                best = c + goal.S - e;
                bestState = state;
            }
            double rest = lane.Length - e;
            foreach (int s in lane.Successors) Relax(2 * s, c + rest, 0, state);
            foreach (int nb in (ReadOnlySpan<int>)[lane.LeftNeighbour, lane.RightNeighbour])
                if (nb >= 0 && TryLaneChange(laneId, e, nb, out _, out double landing))
                    Relax(2 * nb + 1, c + (_o.LaneChangeLead + _o.LaneChangeLength) + _o.LaneChangePenalty, landing, state);
        }
        if (bestState < 0) return null;
        var lanes = new List<int>();
        for (int s = bestState; s >= 0; s = prev[s]) lanes.Add(s == startState ? start.Lane : s >> 1);
        lanes.Reverse();
        return Follow(lanes, start, goal);

        void Relax(int to, double c, double e, int from)
        {
            if (c < cost[to])
            {
                cost[to] = c;
                entry[to] = e;
                prev[to] = from;
                queue.Enqueue(to, c);
            }
        }
    }

    /// <summary>
    /// The route along a given lane sequence (consecutive lanes are successors or neighbours) from
    /// <paramref name="start"/> on the first lane to <paramref name="goal"/> on the last. Throws
    /// <see cref="FormatException"/> naming the lane that breaks the rules.
    /// </summary>
    public PlannedRoute Follow(IReadOnlyList<int> lanes, LanePoint start, LanePoint goal)
    {
        string? problem = TryFollow(lanes, start, goal, out var path, out string at);
        if (problem is not null) throw new FormatException($"town '{_town.Name}', route {at}: {problem}");
        return new PlannedRoute(_town, [.. lanes], start, goal, path!);
    }

    /// <summary>The path along <paramref name="lanes"/>, or a problem and where (<c>lanes[3]</c>, <c>start.lane</c>, <c>goal.s</c>, ...).</summary>
    internal string? TryFollow(IReadOnlyList<int> lanes, LanePoint start, LanePoint goal, out Polyline? path, out string at)
    {
        path = null;
        at = "lanes";
        ArgumentNullException.ThrowIfNull(lanes);
        if (lanes.Count == 0) return "a route needs at least one lane";
        for (int i = 0; i < lanes.Count; i++)
            if ((uint)lanes[i] >= (uint)_town.Lanes.Count)
            {
                at = $"lanes[{i}]";
                return $"lane {lanes[i]} does not exist (lanes 0..{_town.Lanes.Count - 1})";
            }
        at = "start.lane";
        if (start.Lane != lanes[0]) return $"the start is on lane {start.Lane}, but the route's first lane is {lanes[0]}";
        at = "goal.lane";
        if (goal.Lane != lanes[^1]) return $"the goal is on lane {goal.Lane}, but the route's last lane is {lanes[^1]}";
        at = "start.s";
        if (PointProblem(start) is { } sp) return sp;
        at = "goal.s";
        if (PointProblem(goal) is { } gp) return gp;
        var pts = new List<Vec2>();
        double e = start.S;
        for (int i = 0; i < lanes.Count; i++)
        {
            var lane = _town.Lanes[lanes[i]];
            if (i == lanes.Count - 1)
            {
                if (goal.S <= e)
                {
                    at = "goal.s";
                    return $"the goal ({goal.S:0.###} m) is not after where the route enters lane {lane.Id} ({e:0.###} m)";
                }
                Append(pts, lane.Centre, e, goal.S);
                break;
            }
            int next = lanes[i + 1];
            if (lane.Successors.Contains(next))
            {
                Append(pts, lane.Centre, e, lane.Length);
                e = 0;
            }
            else if (next == lane.LeftNeighbour || next == lane.RightNeighbour)
            {
                if (!TryLaneChange(lane.Id, e, next, out double c0, out double landing))
                {
                    at = $"lanes[{i + 1}]";
                    return $"no room to change from lane {lane.Id} (entered at {e:0.###} m of {lane.Length:0.###} m) to lane {next}";
                }
                Append(pts, lane.Centre, e, c0);
                Blend(pts, lane.Centre, _town.Lanes[next].Centre, c0, c0 + _o.LaneChangeLength);
                e = landing;
            }
            else
            {
                at = $"lanes[{i + 1}]";
                return $"lane {next} neither continues lane {lane.Id} nor is its neighbour";
            }
        }
        try
        {
            path = new Polyline(pts);
        }
        catch (ArgumentException)
        {
            at = "goal";
            return "the route is empty (start and goal coincide)";
        }
        return null;
    }

    /// <summary>
    /// Whether the route can change from <paramref name="from"/> (entered at <paramref name="entry"/>) to its
    /// neighbour <paramref name="to"/>: the change starts at <paramref name="start"/> and lands at <paramref name="landing"/> on the target.
    /// </summary>
    public bool TryLaneChange(int from, double entry, int to, out double start, out double landing)
    {
        var a = _town.Lanes[from].Centre;
        var b = _town.Lanes[to].Centre;
        start = entry + _o.LaneChangeLead;
        double end = start + _o.LaneChangeLength;
        landing = 0;
        if (end > a.Length) return false;
        landing = b.Project(a.PointAt(end)).S;
        return landing + _o.MinDistanceBeforeEnd <= b.Length;
    }

    private static void Append(List<Vec2> pts, Polyline line, double from, double to)
    {
        pts.Add(line.PointAt(from));
        var st = line.Stations;
        var p = line.Points;
        for (int i = 0; i < p.Length; i++)
            if (st[i] > from && st[i] < to) pts.Add(p[i]);
        pts.Add(line.PointAt(to));
    }

    /// <summary>From lane a at <paramref name="from"/> to the matching point of lane b, smoothstep-weighted, every metre or so.</summary>
    private static void Blend(List<Vec2> pts, Polyline a, Polyline b, double from, double to)
    {
        int n = Math.Max(4, (int)Math.Ceiling(to - from));
        for (int k = 1; k <= n; k++)
        {
            double u = (double)k / n, w = u * u * (3 - 2 * u);
            Vec2 pa = a.PointAt(from + (to - from) * u);
            Vec2 pb = b.PointAt(b.Project(pa).S);
            pts.Add(pa * (1 - w) + pb * w);
        }
    }

    private string? PointProblem(LanePoint p)
    {
        if ((uint)p.Lane >= (uint)_town.Lanes.Count) return $"lane {p.Lane} does not exist (lanes 0..{_town.Lanes.Count - 1})";
        double len = _town.Lanes[p.Lane].Length;
        if (!double.IsFinite(p.S) || p.S < 0 || p.S > len) return $"s = {p.S} is outside lane {p.Lane} (0..{len:0.###} m)";
        return null;
    }

    private void CheckPoint(LanePoint p, string name)
    {
        if (PointProblem(p) is { } problem) throw new ArgumentOutOfRangeException(name, p, $"town '{_town.Name}': {problem}.");
    }
}
