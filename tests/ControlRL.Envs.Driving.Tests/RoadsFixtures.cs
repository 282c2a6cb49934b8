using System.Security.Cryptography;
using System.Text;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Envs.Driving.Tests;

/// <summary>Towns shared by the road tests (generated once per test run).</summary>
internal static class RoadsFixtures
{
    /// <summary>A small town with a two-lane ring and one two-lane arterial, so lane changes exist.</summary>
    public static TownOptions SmallOptions { get; } = new() { Columns = 4, Rows = 4, BlockLength = 160, Arterials = 1, MultiLaneRing = true };

    private static readonly Lazy<RoadNetwork> Small = new(() => TownGenerator.Generate("Small", 7, SmallOptions));
    private static readonly Lazy<string> SmallText = new(() => TownFile.Serialize(Small.Value, new TownProvenance(7, SmallOptions)));

    public static RoadNetwork SmallTown => Small.Value;
    public static string SmallTownJson => SmallText.Value;

    public static string Sha256(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>A fresh temporary folder, removed by the caller's dispose.</summary>
    public static TempFolder Temp() => new();

    public sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "controlrl-roads-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string relative) => System.IO.Path.Combine(Path, relative);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temp folder is harmless.
            }
        }
    }
}
