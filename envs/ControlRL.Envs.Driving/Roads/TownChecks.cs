using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Roads;

/// <summary>One failed town check: where (a file-like location such as <c>lanes[12]</c>) and what.</summary>
public sealed record TownProblem(string Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}

/// <summary>
/// Checks beyond <see cref="RoadNetwork"/>'s reference checks that traffic needs: every lane has a successor (no dead
/// ends), every lane can be reached from every other (successors and lane changes), lanes join without gaps (1 cm)
/// or kinks, neighbour links agree both ways, and lanes of different roads never cross.
/// </summary>
public static class TownChecks
{
    /// <summary>Largest gap between a lane's end and its successor's start, metres.</summary>
    public const double MaxGap = 0.01;

    /// <summary>Largest heading change where a lane joins its successor.</summary>
    public const double MaxKink = 20 * Math.PI / 180;

    /// <summary>Every problem found (empty when the town is sound).</summary>
    public static IReadOnlyList<TownProblem> Find(RoadNetwork town)
    {
        ArgumentNullException.ThrowIfNull(town);
        var problems = new List<TownProblem>();
        var lanes = town.Lanes;
        for (int i = 0; i < lanes.Count; i++)
        {
            var l = lanes[i];
            if (l.Successors.Length == 0) problems.Add(new($"lanes[{i}]", $"lane {i} has no successor (a dead end)"));
            for (int k = 0; k < l.Successors.Length; k++)
            {
                var s = lanes[l.Successors[k]];
                double gap = l.Centre.End.DistanceTo(s.Centre.Start);
                if (gap > MaxGap)
                    problems.Add(new($"lanes[{i}].successors[{k}]", $"lane {s.Id} starts {gap:0.###} m from the end of lane {i} (at most {MaxGap} m)"));
                double kink = Math.Abs(Angles.Wrap(s.Centre.HeadingAt(0) - l.Centre.HeadingAt(l.Length)));
                if (kink > MaxKink)
                    problems.Add(new($"lanes[{i}].successors[{k}]", $"lane {s.Id} turns {kink * 180 / Math.PI:0.#} degrees from the end of lane {i} (at most {MaxKink * 180 / Math.PI:0} degrees)"));
            }
            if (l.LeftNeighbour >= 0 && lanes[l.LeftNeighbour].RightNeighbour != i)
                problems.Add(new($"lanes[{i}].left", $"lane {i}'s left neighbour {l.LeftNeighbour} does not name lane {i} as its right neighbour"));
            if (l.RightNeighbour >= 0 && lanes[l.RightNeighbour].LeftNeighbour != i)
                problems.Add(new($"lanes[{i}].right", $"lane {i}'s right neighbour {l.RightNeighbour} does not name lane {i} as its left neighbour"));
            if (l.OppositeNeighbour >= 0 && lanes[l.OppositeNeighbour].OppositeNeighbour != i)
                problems.Add(new($"lanes[{i}].opposite", $"lane {i}'s opposite neighbour {l.OppositeNeighbour} does not name lane {i} back"));
            if (l.InJunction && l.LeftNeighbour + l.RightNeighbour != -2)
                problems.Add(new($"lanes[{i}]", $"junction connector {i} has lane-change neighbours"));
        }
        if (problems.Count == 0) Reachability(town, problems);
        Crossings(town, problems);
        return problems;
    }

    /// <summary>Throws <see cref="FormatException"/> listing the first problems when the town fails a check.</summary>
    public static void Validate(RoadNetwork town)
    {
        var problems = Find(town);
        if (problems.Count > 0)
            throw new FormatException($"town '{town.Name}' fails {problems.Count} check(s): {string.Join("; ", problems.Take(5))}{(problems.Count > 5 ? "; ..." : "")}");
    }

    private static void Reachability(RoadNetwork town, List<TownProblem> problems)
    {
        int n = town.Lanes.Count;
        var forward = Reach(n, id => Next(town.Lanes[id]));
        var backward = Reach(n, id => Previous(town, id));
        for (int i = 0; i < n; i++)
        {
            if (!forward[i]) problems.Add(new($"lanes[{i}]", $"lane {i} cannot be reached from lane 0"));
            else if (!backward[i]) problems.Add(new($"lanes[{i}]", $"lane 0 cannot be reached from lane {i}"));
        }
    }

    private static IEnumerable<int> Next(Lane l)
    {
        foreach (int s in l.Successors) yield return s;
        if (l.LeftNeighbour >= 0) yield return l.LeftNeighbour;
        if (l.RightNeighbour >= 0) yield return l.RightNeighbour;
    }

    private static IEnumerable<int> Previous(RoadNetwork town, int id)
    {
        var l = town.Lanes[id];
        foreach (int p in l.Predecessors) yield return p;
        // Neighbour links are symmetric here (checked before), so lane changes run both ways.
        if (l.LeftNeighbour >= 0) yield return l.LeftNeighbour;
        if (l.RightNeighbour >= 0) yield return l.RightNeighbour;
    }

    private static bool[] Reach(int n, Func<int, IEnumerable<int>> next)
    {
        var seen = new bool[n];
        var stack = new Stack<int>();
        stack.Push(0);
        seen[0] = true;
        while (stack.Count > 0)
            foreach (int m in next(stack.Pop()))
                if (!seen[m])
                {
                    seen[m] = true;
                    stack.Push(m);
                }
        return seen;
    }

    /// <summary>Lane centre lines of different roads must not cross (roads meet only through junction connectors).</summary>
    private static void Crossings(RoadNetwork town, List<TownProblem> problems)
    {
        const double cell = 25;
        var cells = new Dictionary<(int, int), List<(int Lane, int Segment)>>();
        foreach (var lane in town.Lanes)
        {
            if (lane.RoadId < 0) continue;
            var pts = lane.Centre.Points;
            for (int i = 0; i + 1 < pts.Length; i++)
            {
                Vec2 a = pts[i], b = pts[i + 1];
                for (int cx = (int)Math.Floor(Math.Min(a.X, b.X) / cell); cx <= (int)Math.Floor(Math.Max(a.X, b.X) / cell); cx++)
                    for (int cy = (int)Math.Floor(Math.Min(a.Y, b.Y) / cell); cy <= (int)Math.Floor(Math.Max(a.Y, b.Y) / cell); cy++)
                    {
                        if (!cells.TryGetValue((cx, cy), out var list)) cells[(cx, cy)] = list = [];
                        list.Add((lane.Id, i));
                    }
            }
        }
        var reported = new HashSet<(int, int)>();
        foreach (var list in cells.Values)
            for (int i = 0; i < list.Count; i++)
                for (int k = i + 1; k < list.Count; k++)
                {
                    var (la, sa) = list[i];
                    var (lb, sb) = list[k];
                    Lane a = town.Lanes[la], b = town.Lanes[lb];
                    if (a.RoadId == b.RoadId) continue;
                    var key = (Math.Min(la, lb), Math.Max(la, lb));
                    if (reported.Contains(key)) continue;
                    if (RoadGeometry.SegmentsCross(a.Centre.Points[sa], a.Centre.Points[sa + 1], b.Centre.Points[sb], b.Centre.Points[sb + 1]))
                    {
                        reported.Add(key);
                        problems.Add(new($"lanes[{key.Item1}]", $"lane {key.Item1} (road {town.Lanes[key.Item1].RoadId}) crosses lane {key.Item2} (road {town.Lanes[key.Item2].RoadId}) outside a junction"));
                    }
                }
    }
}
