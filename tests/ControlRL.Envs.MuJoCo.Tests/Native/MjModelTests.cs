using ControlRL.Envs.MuJoCo.Native;

namespace ControlRL.Envs.MuJoCo.Tests.Native;

public class MjModelTests
{
    [Fact]
    public void LibraryIsTheVersionTheLayoutWasGeneratedFor()
    {
        MuJoCoLibrary.EnsureLoaded();
        Assert.Equal(MuJoCoLibrary.ExpectedVersion, MuJoCoLibrary.Version);
        Assert.Equal(222, MuJoCoLibrary.Version);
    }

    [Fact]
    public void VersionGuardRejectsOtherVersions()
    {
        var e = Assert.Throws<MuJoCoException>(() => MuJoCoLibrary.CheckVersion(301));
        Assert.Contains("2.2.2", e.Message);
        Assert.Contains("301", e.Message);
        Assert.Contains("tools/setup.sh", e.Message);
        MuJoCoLibrary.CheckVersion(222);
    }

    [Fact]
    public void MissingLibraryTellsHowToInstallIt()
    {
        var e = Assert.Throws<DllNotFoundException>(() => MuJoCoLibrary.LoadFirst(["libmujoco-not-here.so.9"]));
        Assert.Contains("tools/setup.sh", e.Message);
        Assert.Contains("libmujoco-dev", e.Message);
    }

    [Fact]
    public void InlineModelExposesSizesOptionsAndArrays()
    {
        using MjModel m = MjModel.FromXmlString(TestModels.Arm);
        Assert.Equal(1 + 7, m.Nq);   // hinge + free joint
        Assert.Equal(1 + 6, m.Nv);
        Assert.Equal(1, m.Nu);
        Assert.Equal(0, m.Na);
        Assert.Equal(3, m.Nbody);    // world, link, box
        Assert.Equal(2, m.Njnt);
        Assert.Equal(3, m.Ngeom);
        Assert.Equal(0.005, m.Timestep);
        Assert.Equal(1, m.Integrator); // RK4

        Assert.Equal(new[] { -1.0, 1.0 }, m.ActuatorCtrlRange.ToArray());
        Assert.Equal(new byte[] { 1 }, m.ActuatorCtrlLimited.ToArray());
        Assert.Equal(new[] { 3.0, 0, 0, 0, 0, 0 }, m.ActuatorGear.ToArray());
        Assert.Equal(2 * m.Njnt, m.JntRange.Length);
        Assert.Equal(-Math.PI / 2, m.JntRange[0], 12);
        Assert.Equal(Math.PI / 2, m.JntRange[1], 12);

        int box = m.Name2Id(MjObj.Body, "box");
        Assert.Equal(2, box);
        Assert.Equal(0.0, m.BodyMass[0]);
        Assert.Equal(1.5, m.BodyMass[1], 12);
        Assert.Equal(2.0, m.BodyMass[box], 12);

        Assert.Equal(m.Nq, m.Qpos0.Length);
        Assert.Equal(0.2, m.Qpos0[1 + 2], 12); // box z in the free joint's qpos
        Assert.Equal(3 * m.Ngeom, m.GeomFriction.Length);
        Assert.Equal(0.8, m.GeomFriction[3 * m.Name2Id(MjObj.Geom, "box_geom")], 12);

        m.Timestep = 0.002;
        Assert.Equal(0.002, m.Timestep);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Timestep = 0);
    }

    [Fact]
    public void NameLookups()
    {
        using MjModel m = MjModel.FromXmlString(TestModels.Arm);
        Assert.Equal(0, m.Name2Id(MjObj.Actuator, "motor"));
        Assert.Equal(0, m.Name2Id(MjObj.Joint, "hinge"));
        Assert.Equal(-1, m.Name2Id(MjObj.Body, "no_such_body"));
        Assert.Equal("motor", m.Id2Name(MjObj.Actuator, 0));
        Assert.Equal("box_free", m.Id2Name(MjObj.Joint, 1));
        Assert.Null(m.Id2Name(MjObj.Body, 99));
    }

    [Fact]
    public void LoadXmlFromFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"arm-{Guid.NewGuid():N}.xml");
        File.WriteAllText(path, TestModels.Arm);
        try
        {
            using MjModel m = MjModel.LoadXml(path);
            Assert.Equal(1, m.Nu);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MalformedModelReportsMuJoCosMessageAndThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.xml");
        File.WriteAllText(path, "<mujoco><worldbody><bogus_element/></worldbody></mujoco>");
        try
        {
            var e = Assert.Throws<MuJoCoException>(() => MjModel.LoadXml(path));
            Assert.StartsWith($"Failed to load MJCF '{path}': ", e.Message);
            Assert.Contains("unrecognized element", e.Message); // MuJoCo's schema error text
            Assert.Contains("bogus_element", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CompilerErrorsFromStringsAreReported()
    {
        const string massless = """
            <mujoco><worldbody><body><joint type="hinge"/><geom size="0.1" mass="0"/></body></worldbody></mujoco>
            """;
        var e = Assert.Throws<MuJoCoException>(() => MjModel.FromXmlString(massless));
        Assert.Contains("mass and inertia of moving bodies", e.Message);
    }

    [Fact]
    public void MissingFileIsAClearError()
    {
        string path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.xml");
        var e = Assert.Throws<FileNotFoundException>(() => MjModel.LoadXml(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void DisposedModelThrowsButItsDataStaysUsable()
    {
        MjModel m = MjModel.FromXmlString(TestModels.Arm);
        using var d = new MjData(m);
        m.Dispose();
        Assert.Throws<ObjectDisposedException>(() => m.Nq);
        d.Step(); // the data holds a reference on the native model
        Assert.Equal(8, d.Qpos.Length);
        Assert.True(d.Time > 0);
    }
}
