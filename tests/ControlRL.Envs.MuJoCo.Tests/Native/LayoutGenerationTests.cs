using System.Diagnostics;
using ControlRL.Envs.MuJoCo.Native;

namespace ControlRL.Envs.MuJoCo.Tests.Native;

public class LayoutGenerationTests
{
    private const string LayoutPath = "envs/ControlRL.Envs.MuJoCo/Native/MjLayout.g.cs";

    [Fact]
    public void CheckedInLayoutMatchesGeneratorOutput()
    {
        string root = RepoPaths.Root;
        string fresh = Path.Combine(Path.GetTempPath(), $"MjLayout-{Guid.NewGuid():N}.g.cs");
        try
        {
            var psi = new ProcessStartInfo("bash", [Path.Combine(root, "tools/gen-mujoco-layout.sh"), fresh])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = root,
            };
            using Process p = Process.Start(psi)!;
            string stdout = p.StandardOutput.ReadToEnd();
            string stderr = p.StandardError.ReadToEnd();
            Assert.True(p.WaitForExit(120_000), "generator timed out");
            Assert.True(p.ExitCode == 0, $"tools/gen-mujoco-layout.sh failed ({p.ExitCode}):\n{stdout}\n{stderr}");

            byte[] expected = File.ReadAllBytes(fresh);
            byte[] actual = File.ReadAllBytes(Path.Combine(root, LayoutPath));
            Assert.True(expected.AsSpan().SequenceEqual(actual),
                $"{LayoutPath} differs from the generator's output for the installed MuJoCo headers; " +
                "run tools/gen-mujoco-layout.sh and commit the result.");
        }
        finally
        {
            File.Delete(fresh);
        }
    }

    [Fact]
    public void GeneratedEnumValuesMatchMuJoCo222()
    {
        // mjmodel.h 2.2.2: UNKNOWN, BODY, XBODY, JOINT, DOF, GEOM, SITE, CAMERA, ... TENDON, ACTUATOR.
        Assert.Equal(1, (int)MjObj.Body);
        Assert.Equal(3, (int)MjObj.Joint);
        Assert.Equal(5, (int)MjObj.Geom);
        Assert.Equal(6, (int)MjObj.Site);
        Assert.Equal(7, (int)MjObj.Camera);
        Assert.Equal(18, (int)MjObj.Actuator);
        Assert.Equal(6, (int)MjWarning.BadQacc);
        Assert.Equal(7, (int)MjWarning.BadCtrl);
    }

    [Fact]
    public unsafe void LayoutTablesAgreeWithTypedAccessors()
    {
        using MjModel model = MjModel.FromXmlString(TestModels.Arm);
        using var data = new MjData(model);
        byte* m = (byte*)model.Handle;

        var modelTable = MjLayout.ModelArrays.ToDictionary(a => a.Name);
        var dataTable = MjLayout.DataArrays.ToDictionary(a => a.Name);
        Assert.Equal(model.Nbody, modelTable["body_mass"].Length(m));
        Assert.Equal(model.BodyMass.Length, modelTable["body_mass"].Length(m));
        Assert.Equal(model.ActuatorGear.Length, modelTable["actuator_gear"].Length(m));
        Assert.Equal("nu x 6", modelTable["actuator_gear"].Dimension);
        Assert.Equal(data.Cinert.Length, dataTable["cinert"].Length(m));
        Assert.Equal("mjtNum", dataTable["cfrc_ext"].CType);

        // Every pointer field really points into the native structs where the table says.
        foreach (MjArrayLayout a in MjLayout.ModelArrays)
        {
            Assert.InRange(a.PointerOffset, 0, MjLayout.SizeOfModel - sizeof(IntPtr));
            if (a.Length(m) > 0) Assert.NotEqual(IntPtr.Zero, *(IntPtr*)(m + a.PointerOffset));
        }
        byte* d = (byte*)data.Handle;
        foreach (MjArrayLayout a in MjLayout.DataArrays)
        {
            Assert.InRange(a.PointerOffset, 0, MjLayout.SizeOfData - sizeof(IntPtr));
            if (a.Length(m) > 0) Assert.NotEqual(IntPtr.Zero, *(IntPtr*)(d + a.PointerOffset));
        }
    }
}
