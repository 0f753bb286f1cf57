using System;
using System.IO;

namespace Outpost.Tests.Support
{
    /// <summary>
    /// Finds the repository root and <c>../shared/</c> beside it. Tests that need shared material skip
    /// with one line when it is absent (a user's clone), never fail.
    /// </summary>
    public static class SharedMaterial
    {
        public static string RepoRoot { get; } = FindRepoRoot();

        public static string? SharedFolder
        {
            get
            {
                string candidate = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
                return Directory.Exists(candidate) ? candidate : null;
            }
        }

        /// <summary>The path under ../shared/, or a skip of the calling test when it is not there.</summary>
        public static string Require(string relative)
        {
            string? shared = SharedFolder;
            string? path = shared is null ? null : Path.Combine(shared, relative);
            if (path is null || !(Directory.Exists(path) || File.Exists(path)))
                Assert.Skip($"../shared/{relative} is not present (a user's clone): skipped");
            return path!;
        }

        private static string FindRepoRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Outpost.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("cannot find Outpost.sln above " + AppContext.BaseDirectory);
        }
    }
}
