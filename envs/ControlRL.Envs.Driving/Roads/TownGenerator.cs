using ControlRL.Core.Random;
using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Roads;

/// <summary>
/// Procedural towns in the spirit of CARLA's Town01-Town07 (carla-simulator/carla, the Town0x maps): a jittered grid
/// of nodes with some interior edges removed so blocks vary; chains of edges through nodes of degree 2 become one road
/// (turning there on a smooth corner), nodes of degree 3-4 become junctions controlled by traffic lights, an all-way
/// stop or minor-road stop signs. Roads have one or two lanes per direction by class; some bend on a smooth bulge.
/// Junctions get connector lanes (straight from every lane, lefts from the leftmost, rights from the rightmost),
/// stop lines and crosswalks on their approaches. Coordinates are rounded to 1 mm so a written file reads back to the
/// identical network. The same name, seed and options always give the same town.
/// </summary>
public static class TownGenerator
{
    public static RoadNetwork Generate(string name, ulong seed, TownOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var town = new Builder(name, seed, options).Build();
        TownChecks.Validate(town);
        return town;
    }

    private sealed class Edge(int a, int b, RoadClass cls, bool perimeter)
    {
        public int A { get; } = a;
        public int B { get; } = b;
        public RoadClass Class { get; } = cls;
        public bool Perimeter { get; } = perimeter;
        public bool Removed { get; set; }

        /// <summary>Sideways bulge at the middle, metres, left of A->B positive.</summary>
        public double Bulge { get; set; }

        public int Other(int node) => node == A ? B : A;
    }

    /// <summary>A road between two junction nodes through nodes of degree 2.</summary>
    private sealed class Chain
    {
        public List<int> Nodes { get; } = [];
        public List<int> Edges { get; } = [];
        public RoadClass Class { get; set; }
    }

    private sealed class LaneDraft(Polyline centre, double width, double speed)
    {
        public Polyline Centre { get; } = centre;
        public double Width { get; } = width;
        public double Speed { get; } = speed;
        public int Road { get; init; } = -1;
        public int Junction { get; init; } = -1;
        public Turn Turn { get; init; }
        public List<int> Successors { get; } = [];
        public int Left { get; set; } = -1;
        public int Right { get; set; } = -1;
        public int Opposite { get; set; } = -1;
        public LaneMark LeftMark { get; set; }
        public LaneMark RightMark { get; set; }
        public int Signal { get; set; } = -1;
    }

    /// <summary>One road end at a junction. <see cref="Outward"/> points from the junction into the road.</summary>
    private sealed record Approach(int Road, int[] In, int[] Out, Vec2 End, Vec2 Outward, double HalfWidth, RoadClass Class);

    private sealed class Builder(string name, ulong seed, TownOptions o)
    {
        private readonly Rng _rng = new(seed);
        private readonly List<Edge> _edges = [];
        private readonly List<LaneDraft> _lanes = [];
        private readonly List<Junction> _junctions = [];
        private readonly List<TrafficSignal> _signals = [];
        private readonly List<SpeedSign> _signs = [];
        private readonly List<Crosswalk> _crosswalks = [];
        private Vec2[] _pos = [];
        private int[] _junctionOf = [];
        private double[] _radius = [];
        private double[] _coreRadius = [];

        public RoadNetwork Build()
        {
            PlaceNodes();
            MakeEdges();
            RemoveEdges();
            foreach (var e in _edges)
            {
                double u = _rng.NextDouble(), size = _rng.Uniform(0.5, 1), sign = _rng.NextDouble() < 0.5 ? -1 : 1;
                if (!e.Removed && u < o.CurvedRoads) e.Bulge = sign * size * o.CurveBulge * _pos[e.A].DistanceTo(_pos[e.B]);
            }
            var chains = Chains();
            JunctionRadii(chains);
            var approaches = new List<Approach>[_pos.Length];
            for (int i = 0; i < approaches.Length; i++) approaches[i] = [];
            for (int r = 0; r < chains.Count; r++) BuildRoad(r, chains[r], approaches);
            for (int n = 0; n < _pos.Length; n++)
                if (_junctionOf[n] >= 0) BuildJunction(n, approaches[n]);
            return Assemble();
        }

        private int Index(int row, int col) => row * o.Columns + col;

        private void PlaceNodes()
        {
            _pos = new Vec2[o.Rows * o.Columns];
            double j = o.Jitter * o.BlockLength;
            for (int r = 0; r < o.Rows; r++)
                for (int c = 0; c < o.Columns; c++)
                    _pos[Index(r, c)] = new Vec2(c * o.BlockLength + _rng.Uniform(-j, j), r * o.BlockLength + _rng.Uniform(-j, j));
        }

        /// <summary>Grid edges; each grid line (row or column) has one class: the ring, arterials, collectors, local streets.</summary>
        private void MakeEdges()
        {
            var interior = new List<(bool Row, int Index)>();
            for (int r = 1; r < o.Rows - 1; r++) interior.Add((true, r));
            for (int c = 1; c < o.Columns - 1; c++) interior.Add((false, c));
            Shuffle(interior);
            var rowClass = new RoadClass[o.Rows];
            var colClass = new RoadClass[o.Columns];
            var perimeter = o.MultiLaneRing ? RoadClass.Ring : RoadClass.Collector;
            rowClass[0] = rowClass[^1] = colClass[0] = colClass[^1] = perimeter;
            for (int i = 0; i < interior.Count; i++)
            {
                var cls = i < o.Arterials ? RoadClass.Arterial : _rng.NextDouble() < o.CollectorShare ? RoadClass.Collector : RoadClass.Local;
                if (interior[i].Row) rowClass[interior[i].Index] = cls;
                else colClass[interior[i].Index] = cls;
            }
            for (int r = 0; r < o.Rows; r++)
                for (int c = 0; c + 1 < o.Columns; c++)
                    _edges.Add(new Edge(Index(r, c), Index(r, c + 1), rowClass[r], r == 0 || r == o.Rows - 1));
            for (int c = 0; c < o.Columns; c++)
                for (int r = 0; r + 1 < o.Rows; r++)
                    _edges.Add(new Edge(Index(r, c), Index(r + 1, c), colClass[c], c == 0 || c == o.Columns - 1));
        }

        private void Shuffle<T>(List<T> list)
        {
            for (int i = list.Count - 1; i > 0; i--)
            {
                int k = _rng.NextInt(i + 1);
                (list[i], list[k]) = (list[k], list[i]);
            }
        }

        /// <summary>
        /// Removes interior non-arterial edges in random order while every node keeps degree 2 or more (no dead
        /// ends), the grid stays connected and no road would leave and re-enter the same junction.
        /// </summary>
        private void RemoveEdges()
        {
            var candidates = _edges.Where(e => !e.Perimeter && e.Class != RoadClass.Arterial).ToList();
            Shuffle(candidates);
            int target = (int)Math.Round(o.RemovedEdges * candidates.Count);
            int removed = 0;
            foreach (var e in candidates)
            {
                if (removed >= target) break;
                e.Removed = true;
                if (Degree(e.A) >= 2 && Degree(e.B) >= 2 && Connected() && ChainsAreSimple()) removed++;
                else e.Removed = false;
            }
        }

        private int Degree(int node) => _edges.Count(e => !e.Removed && (e.A == node || e.B == node));

        private List<Edge>[] Adjacency()
        {
            var adj = new List<Edge>[_pos.Length];
            for (int i = 0; i < adj.Length; i++) adj[i] = [];
            foreach (var e in _edges)
                if (!e.Removed)
                {
                    adj[e.A].Add(e);
                    adj[e.B].Add(e);
                }
            return adj;
        }

        private bool Connected()
        {
            var adj = Adjacency();
            var seen = new bool[_pos.Length];
            var queue = new Queue<int>([0]);
            seen[0] = true;
            int count = 1;
            while (queue.Count > 0)
            {
                int n = queue.Dequeue();
                foreach (var e in adj[n])
                {
                    int m = e.Other(n);
                    if (!seen[m])
                    {
                        seen[m] = true;
                        count++;
                        queue.Enqueue(m);
                    }
                }
            }
            return count == _pos.Length;
        }

        private bool ChainsAreSimple()
        {
            try
            {
                return Chains().All(c => c.Nodes[0] != c.Nodes[^1]);
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        /// <summary>Roads: maximal chains of edges between junction nodes (degree 3+) through nodes of degree 2.</summary>
        private List<Chain> Chains()
        {
            var adj = Adjacency();
            var used = new bool[_edges.Count];
            var index = new Dictionary<Edge, int>();
            for (int i = 0; i < _edges.Count; i++) index[_edges[i]] = i;
            var chains = new List<Chain>();
            for (int n = 0; n < _pos.Length; n++)
            {
                if (adj[n].Count < 3) continue;
                foreach (var first in adj[n])
                {
                    if (used[index[first]]) continue;
                    var chain = new Chain();
                    chain.Nodes.Add(n);
                    var e = first;
                    int cur = n;
                    while (true)
                    {
                        used[index[e]] = true;
                        chain.Edges.Add(index[e]);
                        cur = e.Other(cur);
                        chain.Nodes.Add(cur);
                        if (adj[cur].Count != 2) break;
                        e = adj[cur][0] == e ? adj[cur][1] : adj[cur][0];
                        if (used[index[e]]) break;
                    }
                    chain.Class = chain.Edges.Max(i => _edges[i].Class);
                    chains.Add(chain);
                }
            }
            if (used.Where((u, i) => !_edges[i].Removed && !u).Any())
                throw new InvalidOperationException("a loop of roads without any junction");
            return chains;
        }

        /// <summary>
        /// How far from its node each junction's roads start: far enough that neighbouring roads' lane areas do not
        /// overlap (plus 1.5 m), then a crosswalk and a 1 m gap before the stop line.
        /// </summary>
        private void JunctionRadii(List<Chain> chains)
        {
            var adj = Adjacency();
            var classOf = new RoadClass[_edges.Count];
            foreach (var c in chains)
                foreach (int e in c.Edges) classOf[e] = c.Class;
            _junctionOf = new int[_pos.Length];
            _radius = new double[_pos.Length];
            _coreRadius = new double[_pos.Length];
            int next = 0;
            for (int n = 0; n < _pos.Length; n++)
            {
                _junctionOf[n] = adj[n].Count >= 3 ? next++ : -1;
                if (_junctionOf[n] < 0) continue;
                var rays = adj[n].Select(e => (Dir: (_pos[e.Other(n)] - _pos[n]).Heading, Half: o.LanesPerDirection(classOf[_edges.IndexOf(e)]) * o.LaneWidth))
                    .OrderBy(r => r.Dir).ToList();
                double core = 8;
                for (int i = 0; i < rays.Count; i++)
                {
                    var a = rays[i];
                    var b = rays[(i + 1) % rays.Count];
                    double alpha = b.Dir - a.Dir;
                    if (alpha <= 0) alpha += 2 * Math.PI;
                    if (alpha >= 150 * Math.PI / 180) continue;
                    double sin = Math.Sin(alpha), cos = Math.Cos(alpha);
                    core = Math.Max(core, Math.Max((b.Half + a.Half * cos) / sin, (a.Half + b.Half * cos) / sin) + 1.5);
                }
                _coreRadius[n] = core;
                _radius[n] = core + o.CrosswalkWidth + 1;
            }
        }

        private Polyline EdgeLine(Edge e, int from)
        {
            Vec2 a = _pos[e.A], b = _pos[e.B];
            Vec2[] pts;
            if (e.Bulge == 0) pts = [a, b];
            else
            {
                // A sin^2 bulge: zero slope at both ends, so the road leaves its nodes along the chord.
                Vec2 n = (b - a).Normalized().Left;
                int count = (int)Math.Ceiling(a.DistanceTo(b) / 2);
                pts = new Vec2[count + 1];
                for (int i = 0; i <= count; i++)
                {
                    double t = (double)i / count, s = Math.Sin(Math.PI * t);
                    pts[i] = a + (b - a) * t + n * (e.Bulge * s * s);
                }
            }
            if (from == e.B) Array.Reverse(pts);
            return new Polyline(pts);
        }

        /// <summary>The road's reference line (its centre line between the two directions), trimmed to the junction radii.</summary>
        private Polyline Reference(Chain chain)
        {
            int k = chain.Edges.Count;
            var lines = new Polyline[k];
            for (int i = 0; i < k; i++) lines[i] = EdgeLine(_edges[chain.Edges[i]], chain.Nodes[i]);
            double radius = o.CornerRadius * (chain.Class == RoadClass.Ring ? 1.6 : 1);
            var cut = new double[k + 1];
            for (int j = 1; j < k; j++)
            {
                double turn = Math.Abs(Angles.Wrap((lines[j].End - lines[j].Start).Heading - (lines[j - 1].End - lines[j - 1].Start).Heading));
                if (turn > Math.PI / 180) cut[j] = Math.Min(radius * Math.Tan(turn / 2), 0.3 * Math.Min(lines[j - 1].Length, lines[j].Length));
            }
            var pts = new List<Vec2>();
            for (int i = 0; i < k; i++)
            {
                var line = lines[i];
                double from = cut[i], to = line.Length - cut[i + 1];
                if (i > 0 && cut[i] > 0)
                {
                    // Corner curve: a near-circular cubic between the cut points, tangent to both edges.
                    var prev = lines[i - 1];
                    Vec2 a = pts[^1], b = line.PointAt(from);
                    double ha = prev.HeadingAt(prev.Length - cut[i]), hb = line.HeadingAt(from);
                    double turn = Angles.Wrap(hb - ha), chord = a.DistanceTo(b);
                    double h = RoadGeometry.ArcHandle(turn, chord);
                    double arc = Math.Abs(turn) < 1e-6 ? chord : chord * Math.Abs(turn) / 2 / Math.Sin(Math.Abs(turn) / 2);
                    int n = Math.Max(4, (int)Math.Ceiling(arc / 1.0));
                    pts.AddRange(RoadGeometry.Bezier(a, a + Vec2.FromHeading(ha) * h, b - Vec2.FromHeading(hb) * h, b, n, includeEnds: false));
                }
                pts.AddRange(line.Slice(from, to).Points.ToArray());
            }
            var full = RoadGeometry.DropShortSegments(new Polyline(pts), 0.5);
            double r0 = _radius[chain.Nodes[0]], r1 = _radius[chain.Nodes[^1]];
            if (full.Length - r0 - r1 < 40)
                throw new InvalidOperationException($"town '{name}': a road of {full.Length:0} m leaves under 40 m between its junctions; use a larger BlockLength or less Jitter.");
            return RoadGeometry.DropShortSegments(full.Slice(r0, full.Length - r1), 0.5);
        }

        private void BuildRoad(int roadId, Chain chain, List<Approach>[] approaches)
        {
            var reference = Reference(chain);
            int n = o.LanesPerDirection(chain.Class);
            double w = o.LaneWidth, speed = o.SpeedLimit(chain.Class);
            var fwd = new int[n];
            var bwd = new int[n];
            for (int i = 0; i < n; i++)
            {
                fwd[i] = Add(new LaneDraft(RoadGeometry.Simplify(reference.Offset(-(i + 0.5) * w), 0.01), w, speed) { Road = roadId });
            }
            for (int i = 0; i < n; i++)
            {
                bwd[i] = Add(new LaneDraft(RoadGeometry.Simplify(RoadGeometry.Reverse(reference.Offset((i + 0.5) * w)), 0.01), w, speed) { Road = roadId });
            }
            foreach (var side in new[] { fwd, bwd })
            {
                for (int i = 0; i < n; i++)
                {
                    var l = _lanes[side[i]];
                    l.Left = i > 0 ? side[i - 1] : -1;
                    l.Right = i < n - 1 ? side[i + 1] : -1;
                    l.LeftMark = i == 0 ? LaneMark.Solid : LaneMark.Dashed;
                    l.RightMark = i == n - 1 ? LaneMark.Edge : LaneMark.Dashed;
                }
                // A speed sign where the road starts, on the kerb beside the rightmost lane (it applies to every lane of the direction).
                var outer = _lanes[side[^1]];
                double s = Math.Min(3, outer.Centre.Length / 2);
                Vec2 pos = outer.Centre.PointAt(s) - Vec2.FromHeading(outer.Centre.HeadingAt(s)).Left * (w / 2 + o.ShoulderWidth / 2);
                _signs.Add(new SpeedSign(side[^1], s, speed, RoadGeometry.Round(pos)));
            }
            _lanes[fwd[0]].Opposite = bwd[0];
            _lanes[bwd[0]].Opposite = fwd[0];

            Vec2 startDir = Vec2.FromHeading(reference.HeadingAt(0)), endDir = -Vec2.FromHeading(reference.HeadingAt(reference.Length));
            approaches[chain.Nodes[0]].Add(new Approach(roadId, bwd, fwd, reference.Start, startDir, n * w, chain.Class));
            approaches[chain.Nodes[^1]].Add(new Approach(roadId, fwd, bwd, reference.End, endDir, n * w, chain.Class));
        }

        private int Add(LaneDraft lane)
        {
            _lanes.Add(lane);
            return _lanes.Count - 1;
        }

        private void BuildJunction(int node, List<Approach> approaches)
        {
            int jid = _junctionOf[node];
            approaches.Sort((a, b) => a.Outward.Heading.CompareTo(b.Outward.Heading));
            Connectors(jid, approaches);

            // Control: weighted draw; the major road is the most opposite pair of approaches (higher class first).
            double u = _rng.NextDouble() * (o.TrafficLights + o.AllWayStops + o.MinorStops);
            var control = u < o.TrafficLights ? JunctionControl.TrafficLights : u < o.TrafficLights + o.AllWayStops ? JunctionControl.AllWayStop : JunctionControl.MinorStop;
            var (m0, m1) = MajorPair(approaches);
            int groups = 0;
            var groupOf = new int[approaches.Count];
            if (control == JunctionControl.TrafficLights)
            {
                if (o.Phasing == LightPhasing.EachApproach)
                {
                    groups = approaches.Count;
                    for (int i = 0; i < groupOf.Length; i++) groupOf[i] = i;
                }
                else
                {
                    groups = 2;
                    for (int i = 0; i < groupOf.Length; i++) groupOf[i] = i == m0 || i == m1 ? 0 : 1;
                }
            }
            double cycle = Math.Max(1, groups) * (o.Green + o.Yellow + o.AllRed);
            double offset = Math.Round(_rng.Uniform(0, cycle), 1);
            bool crosswalks = _rng.NextDouble() < o.Crosswalks;

            for (int i = 0; i < approaches.Count; i++)
            {
                var a = approaches[i];
                bool signed = control switch
                {
                    JunctionControl.TrafficLights or JunctionControl.AllWayStop => true,
                    _ => i != m0 && i != m1,
                };
                if (signed)
                {
                    int sid = _signals.Count;
                    var inner = _lanes[a.In[0]].Centre;
                    var outer = _lanes[a.In[^1]].Centre;
                    Vec2 left = Vec2.FromHeading(inner.HeadingAt(inner.Length)).Left;
                    Vec2 sa = RoadGeometry.Round(inner.End + left * (o.LaneWidth / 2)), sb = RoadGeometry.Round(outer.End - left * (o.LaneWidth / 2));
                    var kind = control == JunctionControl.TrafficLights ? SignalKind.TrafficLight : SignalKind.StopSign;
                    _signals.Add(new TrafficSignal(sid, kind, jid, [.. a.In], sa, sb, kind == SignalKind.TrafficLight ? groupOf[i] : 0));
                    foreach (int l in a.In) _lanes[l].Signal = sid;
                }
                if (crosswalks)
                {
                    // Kerb to kerb across the road mouth, between the junction core and the stop line.
                    Vec2 centre = a.End - a.Outward * (0.5 + o.CrosswalkWidth / 2);
                    Vec2 side = a.Outward.Left * (a.HalfWidth + o.ShoulderWidth);
                    _crosswalks.Add(new Crosswalk(_crosswalks.Count, RoadGeometry.Round(centre + side), RoadGeometry.Round(centre - side), o.CrosswalkWidth, jid));
                }
            }

            var outline = RoadGeometry.ConvexHull(approaches.SelectMany(a => new[]
            {
                RoadGeometry.Round(a.End + a.Outward.Left * a.HalfWidth),
                RoadGeometry.Round(a.End - a.Outward.Left * a.HalfWidth),
            }));
            _junctions.Add(new Junction(jid, RoadGeometry.Round(_pos[node]), outline, control)
            {
                PhaseGroups = groups,
                Timing = control == JunctionControl.TrafficLights ? new SignalTiming(o.Green, o.Yellow, o.AllRed, offset) : SignalTiming.Default,
            });
        }

        /// <summary>The pair of approaches forming the major road: nearly opposite (135 degrees or more) and of the highest class, then the most opposite.</summary>
        private static (int, int) MajorPair(List<Approach> approaches)
        {
            (int, int) best = (0, 1);
            double bestScore = double.NegativeInfinity;
            for (int i = 0; i < approaches.Count; i++)
                for (int k = i + 1; k < approaches.Count; k++)
                {
                    double angle = Math.Abs(Angles.Wrap(approaches[i].Outward.Heading - approaches[k].Outward.Heading));
                    double score = (angle >= 0.75 * Math.PI ? 100 : 0) + 10 * ((int)approaches[i].Class + (int)approaches[k].Class) + angle;
                    if (score > bestScore)
                    {
                        bestScore = score;
                        best = (i, k);
                    }
                }
            return best;
        }

        /// <summary>
        /// Connector lanes from every approach to every other (no U-turns): straight from each lane into the same
        /// lane index (or the outermost there is), left from the leftmost lane into the leftmost, right from the
        /// rightmost into the rightmost. A lane left without any (odd geometry) gets the nearest exit.
        /// </summary>
        private void Connectors(int jid, List<Approach> approaches)
        {
            foreach (var a in approaches)
            {
                var has = new bool[a.In.Length];
                var fallback = (Exit: (Approach?)null, Angle: double.PositiveInfinity);
                foreach (var b in approaches)
                {
                    if (ReferenceEquals(a, b)) continue;
                    // Heading change from entering (against a's outward direction) to leaving along b's.
                    double turnAngle = Angles.Wrap(b.Outward.Heading - (-a.Outward).Heading);
                    if (Math.Abs(turnAngle) < fallback.Angle) fallback = (b, Math.Abs(turnAngle));
                    var turn = Math.Abs(turnAngle) < 35 * Math.PI / 180 ? Turn.Straight : turnAngle > 0 ? Turn.Left : Turn.Right;
                    switch (turn)
                    {
                        case Turn.Straight:
                            for (int i = 0; i < a.In.Length; i++) Connect(jid, a.In[i], b.Out[Math.Min(i, b.Out.Length - 1)], turn, has, i);
                            break;
                        case Turn.Left:
                            Connect(jid, a.In[0], b.Out[0], turn, has, 0);
                            break;
                        default:
                            Connect(jid, a.In[^1], b.Out[^1], turn, has, a.In.Length - 1);
                            break;
                    }
                }
                for (int i = 0; i < has.Length; i++)
                    if (!has[i] && fallback.Exit is { } exit)
                        Connect(jid, a.In[i], exit.Out[Math.Min(i, exit.Out.Length - 1)], Turn.Straight, has, i);
            }
        }

        private void Connect(int jid, int from, int to, Turn turn, bool[] has, int index)
        {
            var a = _lanes[from].Centre;
            var b = _lanes[to].Centre;
            var pts = RoadGeometry.Connect(a.End, a.HeadingAt(a.Length), b.Start, b.HeadingAt(0), 1.0);
            var centre = RoadGeometry.Simplify(new Polyline(pts), 0.01);
            int id = Add(new LaneDraft(centre, o.LaneWidth, Math.Min(_lanes[from].Speed, _lanes[to].Speed)) { Junction = jid, Turn = turn });
            _lanes[id].Successors.Add(to);
            _lanes[from].Successors.Add(id);
            has[index] = true;
        }

        private RoadNetwork Assemble()
        {
            var lanes = new Lane[_lanes.Count];
            for (int i = 0; i < lanes.Length; i++)
            {
                var d = _lanes[i];
                lanes[i] = new Lane(i, d.Centre, d.Width, d.Speed)
                {
                    RoadId = d.Road,
                    JunctionId = d.Junction,
                    Turn = d.Turn,
                    Successors = [.. d.Successors],
                    LeftNeighbour = d.Left,
                    RightNeighbour = d.Right,
                    OppositeNeighbour = d.Opposite,
                    LeftMark = d.LeftMark,
                    RightMark = d.RightMark,
                    SignalId = d.Signal,
                };
            }
            return new RoadNetwork(name, lanes, _junctions, _signals, _signs, _crosswalks, o.ShoulderWidth);
        }
    }
}
