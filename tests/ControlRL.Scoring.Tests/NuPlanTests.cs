using ControlRL.Scoring.NuPlan;

namespace ControlRL.Scoring.Tests;

public class NuPlanTests
{
    /// <summary>15 s at 10 m/s straight along x, 1 m per step, inside everything: every metric 1.</summary>
    private static NuPlanScenarioTrace Cruise(int n = 150)
    {
        double[] Fill(Func<int, double> f) => [.. Enumerable.Range(0, n).Select(f)];
        return new NuPlanScenarioTrace
        {
            ScenarioId = "s1",
            ScenarioType = "starting_straight_traffic_light_intersection_traversal",
            X = Fill(i => i * 1.0),
            Y = Fill(_ => 0),
            Heading = Fill(_ => 0),
            Speed = Fill(_ => 10),
            LongitudinalAcceleration = Fill(_ => 0),
            LateralAcceleration = Fill(_ => 0),
            SpeedLimit = Fill(_ => 15),
            DrivableAreaDistance = Fill(_ => 0),
            RouteProgress = Fill(i => i * 1.0),
            ExpertRouteProgress = n - 1,
            LaneProgress = Fill(i => i == 0 ? 0 : 1.0),
            TimeToCollision = Fill(_ => double.PositiveInfinity),
        };
    }

    [Fact]
    public void ACleanDriveScoresOne()
    {
        var s = NuPlanScorer.Score(Cruise());
        Assert.Equal([1.0, 1, 1, 1, 1, 1, 1, 1], NuPlanScorer.MetricNames.Select(m => NuPlanScorer.Metric(s, m)));
        Assert.Equal((1.0, 1.0, 1.0), (s.Multiplier, s.Score, s.PdmScore));
        Assert.Equal(149.0, s.Details!.EgoProgress);
    }

    [Theory]
    [InlineData(NuPlanObjectClass.Vehicle, NuPlanCollisionType.ActiveFront, false, 0.0)]
    [InlineData(NuPlanObjectClass.Vru, NuPlanCollisionType.StoppedTrack, false, 0.0)]
    [InlineData(NuPlanObjectClass.Object, NuPlanCollisionType.StoppedTrack, false, 0.5)]   // one object is tolerated at half
    [InlineData(NuPlanObjectClass.Vehicle, NuPlanCollisionType.ActiveRear, false, 1.0)]    // not the ego's fault
    [InlineData(NuPlanObjectClass.Vehicle, NuPlanCollisionType.StoppedEgo, false, 1.0)]
    [InlineData(NuPlanObjectClass.Vehicle, NuPlanCollisionType.ActiveLateral, false, 1.0)]
    [InlineData(NuPlanObjectClass.Vehicle, NuPlanCollisionType.ActiveLateral, true, 0.0)]  // lateral while between lanes
    public void AtFaultCollisions(NuPlanObjectClass what, NuPlanCollisionType type, bool multipleLanes, double expected)
    {
        var s = NuPlanScorer.Score(Cruise() with { Collisions = [new NuPlanCollision(40, what, type, multipleLanes)] });
        Assert.Equal(expected, s.NoAtFaultCollisions);
        // An at-fault collision is a TTC of 0 at its step.
        Assert.Equal(expected < 1 ? 0.0 : 1.0, s.TimeToCollisionWithinBound);
        Assert.Equal(expected * (expected < 1 ? 11.0 / 16 : 1.0), s.Score, 12);
    }

    [Fact]
    public void TwoObjectsOrOneOfEachMultiply()
    {
        var two = NuPlanScorer.Score(Cruise() with
        {
            Collisions = [new(10, NuPlanObjectClass.Object, NuPlanCollisionType.StoppedTrack), new(20, NuPlanObjectClass.Object, NuPlanCollisionType.StoppedTrack)],
        });
        Assert.Equal(0.0, two.NoAtFaultCollisions);
        Assert.Equal(2, two.Details!.AtFaultObjects);
    }

    [Theory]
    [InlineData(0.01, null, false, false, NuPlanCollisionType.StoppedEgo)]
    [InlineData(3.0, null, false, false, NuPlanCollisionType.StoppedTrack)]     // a static object
    [InlineData(3.0, 0.04, false, true, NuPlanCollisionType.StoppedTrack)]
    [InlineData(3.0, 5.0, true, true, NuPlanCollisionType.ActiveRear)]
    [InlineData(3.0, 5.0, false, true, NuPlanCollisionType.ActiveFront)]
    [InlineData(3.0, 5.0, false, false, NuPlanCollisionType.ActiveLateral)]
    public void CollisionTypesFollowTheDevkitsOrderOfTests(double ego, double? other, bool behind, bool front, NuPlanCollisionType expected) =>
        Assert.Equal(expected, NuPlanCollision.Classify(ego, other, behind, front));

    [Theory]
    [InlineData(0.29, 1.0)]
    [InlineData(0.3, 0.0)]
    public void DrivableAreaTolerance(double distance, double expected)
    {
        var t = Cruise();
        t.DrivableAreaDistance[70] = distance;
        Assert.Equal(expected, NuPlanScorer.Score(t).DrivableAreaCompliance);
    }

    [Theory]
    [InlineData(-0.18, 1.0)]   // 11 steps (1 s) x 0.18 m = 1.98 m backwards: tolerated
    [InlineData(-0.19, 0.5)]   // 2.09 m
    [InlineData(-0.54, 0.5)]   // 5.94 m
    [InlineData(-0.55, 0.0)]   // 6.05 m
    public void DrivingDirectionSumsOneSecondOfMovementAgainstTheLane(double perStep, double expected)
    {
        var t = Cruise();
        for (int i = 50; i < 61; i++) t.LaneProgress[i] = perStep;
        var s = NuPlanScorer.Score(t);
        Assert.Equal(expected, s.DrivingDirectionCompliance);
        Assert.Equal(11 * perStep, s.Details!.MinLaneProgressOverHorizon, 9);
    }

    [Theory]
    [InlineData(100.0, 1.0, 1.0)]
    [InlineData(50.0, 0.5, 1.0)]
    [InlineData(20.0, 0.2, 1.0)]          // the ratio 0.2 still counts as making progress
    [InlineData(19.9, 0.199, 0.0)]
    [InlineData(1.0, 0.02, 0.0)]          // progress under 2 m counts as 2 m
    [InlineData(-1.9, 0.02, 0.0)]
    [InlineData(-2.1, 0.0, 0.0)]          // driving backwards more than 2 m: 0
    public void ProgressRatioAndMakingProgress(double egoProgress, double ratio, double making)
    {
        var t = Cruise() with { ExpertRouteProgress = 100 };
        var p = t.RouteProgress;
        for (int i = 0; i < p.Length; i++) p[i] = egoProgress * i / (p.Length - 1);
        p[^1] = egoProgress;
        var s = NuPlanScorer.Score(t);
        Assert.Equal(ratio, s.EgoProgressAlongExpertRoute, 12);
        Assert.Equal(making, s.EgoIsMakingProgress);
    }

    [Fact]
    public void ProgressAgainstAStillExpertOrNoExpertRoute()
    {
        Assert.Equal(1.0, NuPlanScorer.Score(Cruise() with { ExpertRouteProgress = 0.5, RouteProgress = new double[150] }).EgoProgressAlongExpertRoute);
        Assert.Equal(1.0, NuPlanScorer.Score(Cruise() with { ExpertRouteProgress = null, RouteProgress = new double[150] }).EgoProgressAlongExpertRoute);
        Assert.Equal(1.0, NuPlanScorer.Score(Cruise() with { ExpertRouteProgress = 100 }).EgoProgressAlongExpertRoute);   // capped at 1
    }

    [Theory]
    [InlineData(0.95, 0.0)]
    [InlineData(0.96, 1.0)]
    public void TimeToCollisionMustExceedTheBoundEverywhere(double ttc, double expected)
    {
        var t = Cruise();
        t.TimeToCollision[99] = ttc;
        var s = NuPlanScorer.Score(t);
        Assert.Equal(expected, s.TimeToCollisionWithinBound);
        Assert.Equal(ttc, s.Details!.MinTimeToCollision);
    }

    [Fact]
    public void SpeedLimitComplianceWeighsOverspeedByItsDuration()
    {
        var t = Cruise();
        for (int i = 0; i < 150; i++) t.SpeedLimit![i] = 9;     // 1 m/s over the whole scenario
        double expected = 1 - 150 * 1.0 * 0.1 / (2.23 * 14.9);
        Assert.Equal(expected, NuPlanScorer.Score(t).SpeedLimitCompliance, 12);

        var brief = Cruise();
        for (int i = 0; i < 10; i++) brief.SpeedLimit![i] = 7;   // 3 m/s over for 1 s
        var s = NuPlanScorer.Score(brief);
        Assert.Equal(1 - 10 * 3.0 * 0.1 / (2.23 * 14.9), s.SpeedLimitCompliance, 12);
        Assert.Equal(3.0, s.Details!.MaxOverspeed);

        var far = Cruise();
        for (int i = 0; i < 150; i++) far.SpeedLimit![i] = 5;    // 5 m/s over throughout: floored at 0
        Assert.Equal(0.0, NuPlanScorer.Score(far).SpeedLimitCompliance);

        var unknown = Cruise();
        for (int i = 0; i < 150; i++) unknown.SpeedLimit![i] = i % 2 == 0 ? double.NaN : 0;   // no lane, no limit
        Assert.Equal(1.0, NuPlanScorer.Score(unknown).SpeedLimitCompliance);
    }

    [Fact]
    public void ScoreIsTheMultiplierTimesTheWeightedMean()
    {
        var t = Cruise();
        var p = t.RouteProgress;
        for (int i = 0; i < p.Length; i++) p[i] = 74.5 * i / (p.Length - 1);       // ratio 0.5
        t.DrivableAreaDistance[3] = 0;
        var s = NuPlanScorer.Score(t with { Collisions = [new(5, NuPlanObjectClass.Object, NuPlanCollisionType.StoppedTrack)] });
        // Collision with an object: multiplier 0.5, TTC 0 at that step.
        Assert.Equal(0.5 * (2 * 1 + 5 * 0.5 + 4 * 1 + 5 * 0) / 16, s.Score, 12);
        Assert.Equal(0.5 * (2 * 1 + 5 * 0.5 + 5 * 0) / 12, s.PdmScore, 12);
    }

    // Comfort: signals a Savitzky-Golay filter of order >= 1 reproduces exactly (linear in time), one bound at a time.
    private static NuPlanScenarioTrace Comfort(int n, Func<double, double>? lon = null, Func<double, double>? lat = null, Func<double, double>? heading = null)
    {
        var t = Cruise(n);
        double[] F(Func<double, double>? f) => [.. Enumerable.Range(0, n).Select(i => f?.Invoke(i * 0.1) ?? 0)];
        return t with { LongitudinalAcceleration = F(lon), LateralAcceleration = F(lat), Heading = F(heading) };
    }

    public static TheoryData<string, int, Func<double, double>?, Func<double, double>?, Func<double, double>?, bool> ComfortCases() => new()
    {
        { "lon accel 2.39", 20, _ => 2.39, null, null, true },
        { "lon accel 2.40", 20, _ => 2.40, null, null, false },
        { "lon accel -4.04", 20, _ => -4.04, null, null, true },
        { "lon accel -4.06", 20, _ => -4.06, null, null, false },
        { "lat accel 4.88", 20, null, _ => 4.88, null, true },
        { "lat accel -4.90", 20, null, _ => -4.90, null, false },
        { "lon jerk 4.1", 8, t => -3.9 + 4.1 * t, null, null, true },
        { "lon jerk 4.2", 8, t => -3.9 + 4.2 * t, null, null, false },
        { "jerk 8.3", 6, null, t => 0.1 + 8.3 * t, null, true },
        { "jerk 8.5", 6, null, t => 0.1 + 8.5 * t, null, false },
        { "yaw rate 0.94", 20, null, null, t => 0.94 * t, true },
        { "yaw rate 0.96", 20, null, null, t => 0.96 * t, false },
        { "yaw accel 1.9", 10, null, null, t => 0.5 * 1.9 * (t - 0.45) * (t - 0.45), true },
        { "yaw accel 1.95", 10, null, null, t => 0.5 * 1.95 * (t - 0.45) * (t - 0.45), false },
    };

    [Theory]
    [MemberData(nameof(ComfortCases))]
    public void EachComfortBound(string name, int n, Func<double, double>? lon, Func<double, double>? lat, Func<double, double>? heading, bool comfortable)
    {
        var s = NuPlanScorer.Score(Comfort(n, lon, lat, heading));
        Assert.True((comfortable ? 1.0 : 0.0) == s.EgoIsComfortable, $"{name}: {s.Details}");
    }

    [Fact]
    public void ComfortSeriesOfExactSignals()
    {
        // 8 steps: every filter window covers the whole trace, so the polynomial fits reproduce these signals exactly.
        var c = NuPlanComfort.Series(Comfort(8, lon: t => -3.9 + 4.2 * t, heading: t => 0.5 * 1.9 * (t - 0.35) * (t - 0.35)));
        Assert.All(c.LonJerk, j => Assert.Equal(4.2, j, 7));
        Assert.All(c.YawAcceleration, a => Assert.Equal(1.9, a, 7));
        Assert.Equal(-0.35 * 1.9, c.YawRate[0], 7);
        Assert.Equal(-3.9 + 4.2 * 0.7, c.LonAcceleration[7], 7);

        // Without accelerations they come from the speed (its derivative) and speed x yaw rate.
        var derived = Cruise(30) with { LongitudinalAcceleration = null, LateralAcceleration = null };
        for (int i = 0; i < 30; i++)
        {
            derived.Speed[i] = 10 + 1.5 * i * 0.1;
            derived.Heading[i] = 0.2 * i * 0.1;
        }
        var d = NuPlanComfort.Series(derived);
        Assert.All(d.LonAcceleration, a => Assert.Equal(1.5, a, 7));
        // The even smoothing window (8) evaluates its fit half a step later inside the trace, as scipy does.
        Assert.Equal(0.2 * (10 + 1.5 * 1.55), d.LatAcceleration[15], 7);
        Assert.Equal(0.2 * (10 + 1.5 * 0.1), d.LatAcceleration[1], 7);
        Assert.Equal(1.0, NuPlanScorer.Score(derived).EgoIsComfortable);
    }

    [Fact]
    public void TheLongitudinalJerkFollowsTheDevkitsFilterChain()
    {
        // The devkit's pipeline (savgol window 8, round 8 decimals, savgol derivative window 15, round) on a linear
        // acceleration over 15 steps, computed with scipy 1.10: the even window's half-step shift inside the trace
        // makes the jerk estimate 4.93 at the start although the true jerk is 4.2.
        double[] scipy = [4.93167421, 4.82714932, 4.72262443, 4.61809955, 4.51357466, 4.40904977, 4.30452489, 4.2, 4.09547511, 3.99095023, 3.88642534, 3.78190045, 3.67737557, 3.57285068, 3.46832579];
        var c = NuPlanComfort.Series(Comfort(15, lon: t => -3.9 + 4.2 * t));
        Assert.Equal(scipy, c.LonJerk);
        Assert.Equal([-3.9, -3.48, -3.06, -2.64, -2.01, -1.59, -1.17, -0.75, -0.33, 0.09, 0.51, 0.72, 1.14, 1.56, 1.98], c.LonAcceleration);
    }

    [Fact]
    public void HeadingsAreUnwrapped()
    {
        var u = NuPlanComfort.Unwrap([3.1, -3.1, -2.9, 3.0]);
        Assert.Equal(3.1, u[0]);
        Assert.Equal(-3.1 + 2 * Math.PI, u[1], 12);
        Assert.Equal(-2.9 + 2 * Math.PI, u[2], 12);
        Assert.Equal(3.0, u[3], 12);
    }

    // Reference outputs of scipy.signal.savgol_filter (scipy 1.10) on the same data.
    private static readonly double[] Data = [0.0, 0.3, 1.1, 0.7, -0.4, 2.5, 3.1, 2.2, 1.0, 0.5, -1.2, -0.3, 0.8, 1.9, 2.4, 2.0, 1.1, 0.2, -0.5, 0.05];

    public static TheoryData<int, int, int, int, double, double[]> SavgolCases() => new()
    {
        { 20, 8, 2, 0, 1.0, [0.10416666666666599, 0.25892857142857084, 0.49107142857142805, 0.8005952380952376, 1.6093749999999987, 1.9781249999999986, 2.312499999999999, 1.8749999999999991, 0.5937499999999997, -0.23125000000000007, -0.2968750000000002, 0.2843749999999994, 1.143749999999999, 1.9906249999999988, 2.0624999999999982, 1.492187499999999, 1.3211309523809516, 0.8366071428571424, 0.1622023809523805, -0.702083333333333] },
        { 20, 15, 2, 1, 0.1, [1.12611506140918, 1.0285067873303173, 0.9308985132514549, 0.8332902391725924, 0.7356819650937299, 0.6380736910148673, 0.5404654169360048, 0.4428571428571225, 0.42142857142855294, 0.1892857142856958, -0.06785714285716374, -0.582142857142879, -1.23035714285716, -1.0022543632837748, -0.7741515837104074, -0.5460488041370395, -0.3179460245636717, -0.08984324499030416, 0.1382595345830634, 0.3663623141564315] },
        { 20, 5, 2, 1, 0.1, [11.028571428571452, 5.3142857142857265, -0.39999999999999747, 2.900000000000002, 5.8000000000000025, 6.500000000000005, 2.5000000000000093, -6.099999999999993, -10.299999999999997, -7.2, -1.2000000000000015, 4.799999999999999, 9.400000000000002, 6.2000000000000055, 0.7000000000000068, -4.699999999999994, -7.599999999999996, -5.5, -1.0714285714285632, 3.357142857142874] },
        { 20, 5, 3, 2, 0.1, [62.85714285714279, 2.8571428571428243, -57.14285714285717, 50.0, 85.71428571428567, -27.14285714285723, -138.57142857142864, -35.71428571428578, -12.857142857142906, 42.85714285714285, 82.85714285714286, 82.85714285714282, -11.428571428571455, -51.42857142857149, -70.00000000000006, -47.14285714285721, -8.571428571428616, 44.28571428571427, 106.7857142857141, 169.2857142857139] },
        { 6, 6, 2, 0, 1.0, [0.3071428571428578, 0.2071428571428573, 0.2999999999999999, 0.5857142857142854, 1.064285714285714, 1.7357142857142858] },
        { 6, 6, 2, 1, 0.1, [-1.9642857142857197, -0.03571428571428947, 1.8928571428571408, 3.821428571428571, 5.750000000000002, 7.678571428571432] },
        { 4, 4, 3, 2, 0.1, [219.99999999999963, 49.999999999999794, -120.00000000000004, -289.9999999999999] },
    };

    [Theory]
    [MemberData(nameof(SavgolCases))]
    public void SavitzkyGolayIsScipys(int n, int window, int polyorder, int deriv, double delta, double[] expected)
    {
        var y = SavitzkyGolay.Filter(Data[..n], window, polyorder, deriv, delta);
        for (int i = 0; i < n; i++) Assert.True(Math.Abs(expected[i] - y[i]) <= 1e-9 * Math.Max(1, Math.Abs(expected[i])), $"[{i}] {y[i]} vs {expected[i]}");
    }

    [Fact]
    public void AggregationAveragesPerScenarioTypeThenWeightsByCount()
    {
        var a = NuPlanScorer.Score(Cruise() with { ScenarioId = "a", ScenarioType = "A" });
        var b = NuPlanScorer.Score(Cruise() with { ScenarioId = "b", ScenarioType = "A", ExpertRouteProgress = 298 });   // ratio 0.5
        var c = NuPlanScorer.Score(Cruise() with { ScenarioId = "c", ScenarioType = "B", Collisions = [new(1, NuPlanObjectClass.Vehicle, NuPlanCollisionType.ActiveFront)] });
        var sum = NuPlanScorer.Aggregate([a, b, c]);
        Assert.Equal((1.0 + (16 - 2.5) / 16 + 0) / 3, sum.Score, 12);
        Assert.Equal((1.0 + (12 - 2.5) / 12 + 0) / 3, sum.PdmScore, 12);
        Assert.Equal(2.0 / 3, sum.MetricMeans.Single(m => m.Key == "no_ego_at_fault_collisions").Value, 12);
        Assert.Throws<ArgumentException>(() => NuPlanScorer.Aggregate([]));
    }

    [Fact]
    public void BadTracesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => NuPlanScorer.Score(Cruise(3)));
        Assert.Throws<ArgumentException>(() => NuPlanScorer.Score(Cruise() with { Speed = new double[10] }));
        var nan = Cruise();
        nan.DrivableAreaDistance[4] = double.NaN;
        Assert.Throws<ArgumentException>(() => NuPlanScorer.Score(nan));
        var lane = Cruise();
        lane.LaneProgress[0] = 1;
        Assert.Throws<ArgumentException>(() => NuPlanScorer.Score(lane));
        Assert.Throws<ArgumentException>(() => NuPlanScorer.Score(Cruise() with { Collisions = [new(150, NuPlanObjectClass.Vehicle, NuPlanCollisionType.ActiveFront)] }));
    }
}
