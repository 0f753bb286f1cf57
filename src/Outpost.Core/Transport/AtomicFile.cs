using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;

namespace Outpost.Core.Transport
{
    /// <summary>
    /// v1's rule for every file either side writes: write a temp file in the same folder, flush it to
    /// disk, close it, rename it into place. A reader never sees half a file.
    /// </summary>
    public static class AtomicFile
    {
        // File.Move(string, string, bool) exists on .NET Core 3+ but not in netstandard2.0's surface.
        private static readonly MethodInfo? MoveWithOverwrite =
            typeof(File).GetMethod("Move", new[] { typeof(string), typeof(string), typeof(bool) });

        /// <summary>The temp name v1 uses: <c>&lt;final-name&gt;.&lt;random&gt;.tmp</c>.</summary>
        public static string TempPathFor(string path) =>
            path + "." + Guid.NewGuid().ToString("N").Substring(0, 12) + Protocol.Wire.TempSuffix;

        /// <summary>Writes and replaces any existing file (status, dispatch, results).</summary>
        /// <param name="durable">
        /// Flush to the disk before the rename. Files that are rewritten every few seconds (heartbeats,
        /// claims) skip it: after a crash a fresh copy comes with the next beat, and the sync is most of
        /// their cost.
        /// </param>
        public static void Write(string path, byte[] content, bool durable = true)
        {
            string temp = WriteTemp(path, content, durable);
            try { Rename(temp, path, overwrite: true); }
            catch { TryDelete(temp); throw; }
        }

        /// <summary>
        /// Writes only if nothing is at <paramref name="path"/> yet; false when something is. A submitter
        /// uses this so two submitters can never replace each other's job.
        /// </summary>
        public static bool TryCreateNew(string path, byte[] content)
        {
            string temp = WriteTemp(path, content, durable: true);
            try
            {
                if (File.Exists(path)) return false;
                Rename(temp, path, overwrite: false);
                temp = "";
                return true;
            }
            catch (IOException) when (File.Exists(path))
            {
                return false;
            }
            finally
            {
                if (temp.Length > 0) TryDelete(temp);
            }
        }

        /// <summary>Moves a finished temp file into place (used for streamed .stdout/.stderr).</summary>
        public static void Publish(string tempPath, string finalPath) => Rename(tempPath, finalPath, overwrite: true);

        private static string WriteTemp(string path, byte[] content, bool durable)
        {
            string temp = TempPathFor(path);
            try
            {
                using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None);
                stream.Write(content, 0, content.Length);
                stream.Flush(flushToDisk: durable && content.Length > 0);
            }
            catch
            {
                // A full share fails the write after the temp file exists: leave nothing behind (a
                // heartbeat every few seconds would otherwise fill the folder with empty temps).
                TryDelete(temp);
                throw;
            }
            return temp;
        }

        /// <summary>
        /// Backoff for the transient sharing errors Windows gives while another process holds the file:
        /// a reader, and for longer an antivirus scan or a backup agent. About 7.5 s in all, so a held
        /// file delays a result instead of losing it.
        /// </summary>
        internal static readonly int[] WindowsRetryDelaysMs = { 10, 50, 100, 250, 500, 1000, 2000, 3500 };

        /// <summary>A rename that retries the transient sharing errors Windows gives while another process reads.</summary>
        public static void Rename(string source, string destination, bool overwrite) =>
            Rename(source, destination, overwrite, RenameOnce, IsWindows ? WindowsRetryDelaysMs : Array.Empty<int>(), Thread.Sleep);

        /// <summary>The retry loop, with the rename and the sleep as seams so the policy is tested on any OS.</summary>
        internal static void Rename(string source, string destination, bool overwrite, Action<string, string, bool> renameOnce,
            int[] delaysMs, Action<int> sleep)
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    renameOnce(source, destination, overwrite);
                    return;
                }
                catch (Exception e) when ((e is UnauthorizedAccessException || e is IOException) &&
                                          !(e is FileNotFoundException) && !(e is DirectoryNotFoundException) &&
                                          attempt < delaysMs.Length &&
                                          !(overwrite == false && File.Exists(destination)))
                {
                    sleep(delaysMs[attempt]);
                }
            }
        }

        private static void RenameOnce(string source, string destination, bool overwrite)
        {
            if (!overwrite)
            {
                File.Move(source, destination); // fails when the destination exists
                return;
            }
            if (MoveWithOverwrite != null)
            {
                try { MoveWithOverwrite.Invoke(null, new object[] { source, destination, true }); }
                catch (TargetInvocationException e) when (e.InnerException != null)
                {
                    throw e.InnerException;
                }
                return;
            }
            ReplaceOrMove(source, destination, File.Exists, (s, d) => File.Replace(s, d, null, ignoreMetadataErrors: true), File.Move);
        }

        /// <summary>
        /// .NET Framework: Replace is the atomic swap when the destination exists. When the destination is
        /// deleted between the check and the swap (a submitter removing an old result), Replace throws
        /// FileNotFoundException for the destination, and a plain move is then the right thing.
        /// </summary>
        internal static void ReplaceOrMove(string source, string destination, Func<string, bool> exists,
            Action<string, string> replace, Action<string, string> move)
        {
            if (exists(destination))
            {
                try
                {
                    replace(source, destination);
                    return;
                }
                catch (FileNotFoundException) when (exists(source) && !exists(destination)) { }
            }
            move(source, destination);
        }

        private static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        public static void TryDelete(string path)
        {
            try { File.Delete(path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
