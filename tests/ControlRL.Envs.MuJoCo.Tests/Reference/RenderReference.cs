using System.Diagnostics;
using System.Globalization;
using ControlRL.Envs.MuJoCo.Tests.Native;

namespace ControlRL.Envs.MuJoCo.Tests.Reference;

/// <summary>
/// Builds render_reference.c (Gymnasium's rgb_array rendering in C, against the system libmujoco and libEGL)
/// into a temporary folder and runs it. Shared by a test class as a fixture so the compiler runs once.
/// </summary>
public sealed class RenderReference : IDisposable
{
    public const string SourcePath = "tests/ControlRL.Envs.MuJoCo.Tests/Reference/render_reference.c";

    private readonly Lazy<string> _binary;
    private readonly string _folder;

    public RenderReference()
    {
        _folder = Directory.CreateTempSubdirectory("controlrl-render-reference-").FullName;
        _binary = new Lazy<string>(Compile);
    }

    /// <summary>
    /// Renders the model at <paramref name="modelPath"/> in the given state from <paramref name="camera"/> (a camera
    /// name or "free", posed by <paramref name="cameraSettings"/>: default_camera_config entries as key=value).
    /// Returns height x width x 3 bytes, top row first.
    /// </summary>
    public byte[] Render(string modelPath, int width, int height, string camera, double[] qpos, double[] qvel,
        params string[] cameraSettings)
    {
        string tag = Guid.NewGuid().ToString("N");
        string state = Path.Combine(_folder, $"{tag}-state.txt");
        string output = Path.Combine(_folder, $"{tag}.rgb");
        File.WriteAllText(state,
            string.Join(' ', qpos.Concat(qvel).Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "\n");
        string[] args =
        [
            modelPath, width.ToString(CultureInfo.InvariantCulture), height.ToString(CultureInfo.InvariantCulture),
            camera, state, output, .. cameraSettings,
        ];
        var (code, _, stderr) = ReferenceProgram.Execute(_binary.Value, args);
        if (code != 0) throw new InvalidOperationException($"render_reference exited with {code}: {stderr}");
        return File.ReadAllBytes(output);
    }

    // libEGL.so.1 by soname: the EGL declarations are in the source, so libegl-dev is not needed.
    private string Compile() => ReferenceProgram.Compile(SourcePath, Path.Combine(_folder, "render_reference"), "-lmujoco", "-l:libEGL.so.1");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
