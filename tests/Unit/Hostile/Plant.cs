using System.Diagnostics;
using System.IO;
using Outpost.Core.Protocol;

namespace Outpost.Tests.Hostile
{
    /// <summary>What someone with write access to the share (and no key) can put there.</summary>
    internal static class Plant
    {
        public static void Fifo(string path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var mkfifo = Process.Start("mkfifo", new[] { path })!;
            mkfifo.WaitForExit();
            if (mkfifo.ExitCode != 0) throw new IOException("mkfifo failed for " + path);
        }

        public static void Link(string path, string target)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (Directory.Exists(target)) Directory.CreateSymbolicLink(path, target);
            else File.CreateSymbolicLink(path, target);
        }

        /// <summary>Replaces a folder of the share with a link to <paramref name="target"/>.</summary>
        public static void FolderLink(string path, string target)
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            Link(path, target);
        }

        public static string OldStem(string label = "old", int daysAgo = 30) => Stem.Create(DateTime.UtcNow.AddDays(-daysAgo), label).Text;
        public static string NewStem(string label = "x") => Stem.Create(DateTime.UtcNow.AddSeconds(-Random.Shared.Next(1, 100000) / 1000.0), label).Text;

        /// <summary>Runs <paramref name="action"/> on a thread and fails if it does not return in time (a hang on a FIFO).</summary>
        public static T WithinSeconds<T>(double seconds, Func<T> action)
        {
            var task = Task.Run(action);
            if (!task.Wait(TimeSpan.FromSeconds(seconds))) throw new TimeoutException($"blocked for more than {seconds} s (opened a FIFO?)");
            return task.Result;
        }
    }
}
