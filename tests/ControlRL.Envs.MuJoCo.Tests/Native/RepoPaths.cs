namespace ControlRL.Envs.MuJoCo.Tests.Native;

internal static class RepoPaths
{
    /// <summary>The checkout root (the directory holding ControlRL.sln), found from the test binary's location.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ControlRL.sln"))) return dir.FullName;
            }
            throw new InvalidOperationException($"ControlRL.sln not found above {AppContext.BaseDirectory}");
        }
    }
}
