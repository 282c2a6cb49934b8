using ControlRL.Core.Random;
using ControlRL.Core.Tasks;
using ControlRL.Learning.Curricula;

namespace ControlRL.Learning.Tests.Curricula;

public class TeacherTests
{
    private static TaskSpace Square() => new(["x", "y"], [0f, 0f], [1f, 1f]);

    // Returns are already in [0, 1] in these tests.
    private static readonly TeacherOptions Unit = new() { ReturnLow = 0, ReturnHigh = 1 };

    [Fact]
    public void AlpIsTheReturnGapToTheNearestEarlierTask()
    {
        var t = new AlpGmmTeacher(new TaskSpace(["x"], [0f], [10f]), 1, Unit);
        float[] xs = [0, 2, 4, 6, 8, 10];
        double[] rs = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
        for (int i = 0; i < xs.Length; i++)
        {
            t.Update([xs[i]], rs[i]);
            Assert.Equal(0, t.LastAlp); // history <= 5 when each of these arrived
        }
        t.Update([4.4f], 0.9); // nearest: 4 (0.3)
        Assert.Equal(0.6, t.LastAlp, 12);
        t.Update([9.2f], 0.05); // nearest: 10 (0.6)
        Assert.Equal(0.55, t.LastAlp, 12);
        t.Update([4.3f], 0.2); // nearest: 4.4 (0.9), the newest point
        Assert.Equal(0.7, t.LastAlp, 12);
        t.Update([5f], 0.4); // 4 and 6 tie at distance 1, but 4.4 is nearer (0.6)
        Assert.Equal(0.5, t.LastAlp, 12);
        t.Update([1f], 0.0); // 0 and 2 tie: the earlier one (0, return 0.1) wins
        Assert.Equal(0.1, t.LastAlp, 12);
        Assert.Equal(0.1, t.Diagnostics.LastProgress, 12);
    }

    [Fact]
    public void ReturnsAreNormalisedFromTheConfiguredRange()
    {
        var t = new AlpGmmTeacher(Square(), 1);
        Assert.Equal(0, t.NormalizeReturn(-150));
        Assert.Equal(1, t.NormalizeReturn(350));
        Assert.Equal(0.5, t.NormalizeReturn(100), 12);
        Assert.Equal(0, t.NormalizeReturn(-1000));
        Assert.Equal(1, t.NormalizeReturn(1e6));
    }

    [Fact]
    public void NearestNeighbourAgreesWithBruteForce()
    {
        var rng = new Rng(5);
        int d = 6;
        var index = new NearestNeighborIndex(d);
        var pts = new List<float[]>();
        for (int i = 0; i < 3000; i++)
        {
            // Coarse coordinates create many exact ties.
            var p = Enumerable.Range(0, d).Select(_ => (float)Math.Round(rng.NextDouble() * 4)).ToArray();
            pts.Add(p);
            index.Add(p);
            if (i % 7 != 0) continue;
            var q = Enumerable.Range(0, d).Select(_ => (float)(rng.NextDouble() * 4)).ToArray();
            int brute = -1;
            float bd = float.PositiveInfinity;
            for (int j = 0; j < pts.Count; j++)
            {
                float s = 0;
                for (int k = 0; k < d; k++) s += (q[k] - pts[j][k]) * (q[k] - pts[j][k]);
                if (s < bd) { bd = s; brute = j; }
            }
            Assert.Equal(brute, index.Nearest(q));
        }
    }

    /// <summary>Feeds a teacher FitRate episodes with ALP only inside [0, 0.1]^2 and fits its GMM.</summary>
    private static AlpGmmTeacher TeacherWithHotCorner(double ratio)
    {
        var t = new AlpGmmTeacher(Square(), 3, Unit with { FitRate = 200, RandomTaskRatio = ratio });
        var rng = new Rng(9);
        for (int i = 0; i < 200; i++)
        {
            bool hot = i % 2 == 0;
            float x = (float)(hot ? 0.1 * rng.NextDouble() : 0.15 + 0.85 * rng.NextDouble());
            float y = (float)(hot ? 0.1 * rng.NextDouble() : rng.NextDouble());
            t.Update([x, y], hot ? (i / 2) % 2 : 0.0);
        }
        Assert.NotNull(t.Gmm);
        return t;
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    public void ShareOfUniformTasksMatchesTheRandomRatio(double ratio)
    {
        var t = TeacherWithHotCorner(ratio);
        var task = new float[2];
        int n = 20000, outside = 0;
        for (int i = 0; i < n; i++)
        {
            t.SampleTask(task);
            Assert.True(t.Space.Contains(task));
            if (task[0] > 0.3 || task[1] > 0.3) outside++;
        }
        // Uniform draws land outside [0, 0.3]^2 with probability 0.91; GMM draws stay in the hot corner.
        double expected = ratio * 0.91;
        Assert.InRange((double)outside / n, expected - 0.02, expected + 0.02);
    }

    /// <summary>
    /// A student that improves only on tasks in [0.6, 0.8]^2, a little with every episode it practises there;
    /// elsewhere its return is noise. Returns the share of the last 1000 tasks that fell in that square.
    /// </summary>
    private static double ShareInLearnableSquare(ITeacher teacher, int episodes = 3000)
    {
        var noise = new Rng(77);
        int practice = 0, inside = 0;
        var task = new float[2];
        for (int e = 0; e < episodes; e++)
        {
            teacher.SampleTask(task);
            bool learnable = task[0] >= 0.6f && task[0] <= 0.8f && task[1] >= 0.6f && task[1] <= 0.8f;
            double r = 0.02 * noise.NextDouble();
            if (learnable)
            {
                practice++;
                r += 0.9 * (1 - Math.Exp(-practice / 1000.0));
            }
            if (e >= episodes - 1000 && learnable) inside++;
            teacher.Update(task, r);
        }
        return inside / 1000.0;
    }

    [Fact]
    public void AlpGmmConcentratesOnTheLearnableRegion()
    {
        double share = ShareInLearnableSquare(new AlpGmmTeacher(Square(), 1, Unit));
        Assert.True(share > 0.12, $"ALP-GMM put {share:P1} of tasks in a 4% square");
    }

    [Fact]
    public void CovarGmmConcentratesOnTheLearnableRegion()
    {
        double share = ShareInLearnableSquare(new CovarGmmTeacher(Square(), 1, Unit));
        Assert.True(share > 0.08, $"Covar-GMM put {share:P1} of tasks in a 4% square");
    }

    [Fact]
    public void RiacConcentratesOnTheLearnableRegion()
    {
        double share = ShareInLearnableSquare(new RiacTeacher(Square(), 1, Unit));
        Assert.True(share > 0.08, $"RIAC put {share:P1} of tasks in a 4% square");
    }

    [Fact]
    public void RandomDoesNotConcentrate()
    {
        double share = ShareInLearnableSquare(new RandomTeacher(Square(), 1, Unit));
        Assert.InRange(share, 0.02, 0.07);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("alp-gmm")]
    [InlineData("covar-gmm")]
    [InlineData("riac")]
    public void SaveLoadRoundTripGivesIdenticalSamples(string name)
    {
        var options = Unit with { FitRate = 60, MaxComponents = 4, MaxRegionSize = 40 };
        var a = TeacherFactory.Create(name, Square(), 11, options);
        var student = new Rng(4);
        var task = new float[2];
        void Run(ITeacher t, Rng s, int n, List<float>? log)
        {
            for (int e = 0; e < n; e++)
            {
                t.SampleTask(task);
                log?.AddRange(task);
                double r = task[0] > 0.5 ? s.NextDouble() * e / n : 0.1;
                t.Update(task, r);
            }
        }
        Run(a, student, 150, null);
        var state = new Dictionary<string, double[]>();
        a.SaveState(state);
        var studentState = student.GetState();

        var b = TeacherFactory.Create(name, Square(), 999, options); // another seed: the checkpoint's wins
        b.LoadState(state);
        var studentB = new Rng(0);
        studentB.SetState(studentState);

        var logA = new List<float>();
        var logB = new List<float>();
        Run(a, student, 200, logA); // crosses further fits / splits
        Run(b, studentB, 200, logB);
        Assert.Equal(logA, logB);
        Assert.Equal(a.Diagnostics.Fits, b.Diagnostics.Fits);
        if (name != "random") Assert.True(a.Diagnostics.Fits > 0);
    }

    [Fact]
    public void LoadRefusesAnotherTeachersState()
    {
        var state = new Dictionary<string, double[]>();
        new RiacTeacher(Square(), 1).SaveState(state);
        var ex = Assert.Throws<InvalidDataException>(() => new AlpGmmTeacher(Square(), 1).LoadState(state));
        Assert.Contains("riac", ex.Message);
        state.Remove("rng");
        var ex2 = Assert.Throws<InvalidDataException>(() => new RiacTeacher(Square(), 1).LoadState(state));
        Assert.Contains("'rng'", ex2.Message);
    }

    [Fact]
    public void FactoryNamesTheKnownTeachers()
    {
        foreach (var n in TeacherFactory.Names) Assert.NotNull(TeacherFactory.Create(n, Square(), 1));
        var ex = Assert.Throws<ArgumentException>(() => TeacherFactory.Create("alpgmm", Square(), 1));
        Assert.Contains("alp-gmm", ex.Message);
        Assert.Contains("riac", ex.Message);
    }

    [Fact]
    public void DiagnosticsExposeTheFittedMixture()
    {
        var t = TeacherWithHotCorner(0.2);
        var d = t.Diagnostics;
        Assert.Equal("alp-gmm", d.Teacher);
        Assert.Equal(200, d.Updates);
        Assert.Equal(1, d.Fits);
        Assert.InRange(d.Components.Count, 2, 10);
        Assert.Equal(1.0, d.Components.Sum(c => c.Weight), 9);
        Assert.All(d.Components, c => Assert.Equal(3, c.Mean.Length));
        Assert.All(d.Components, c => Assert.Equal(9, c.Covariance!.Length));
        // The hottest component sits in the corner.
        var hot = d.Components.MaxBy(c => c.Progress)!;
        Assert.True(hot.Mean[0] < 0.15 && hot.Mean[1] < 0.15);
        Assert.Equal(6, d.Scalars().Count);
    }
}
