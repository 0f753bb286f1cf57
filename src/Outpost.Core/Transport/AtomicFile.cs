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
        private static readonly int[] WindowsRetryDelaysMs = { 10, 50, 250 };

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
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
            {
                stream.Write(content, 0, content.Length);
                stream.Flush(flushToDisk: durable && content.Length > 0);
            }
            return temp;
        }

        /// <summary>A rename that retries the transient sharing errors Windows gives while another process reads.</summary>
        public static void Rename(string source, string destination, bool overwrite)
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    RenameOnce(source, destination, overwrite);
                    return;
                }
                catch (Exception e) when ((e is UnauthorizedAccessException || e is IOException) &&
                                          !(e is FileNotFoundException) && !(e is DirectoryNotFoundException) &&
                                          IsWindows && attempt < WindowsRetryDelaysMs.Length &&
                                          !(overwrite == false && File.Exists(destination)))
                {
                    Thread.Sleep(WindowsRetryDelaysMs[attempt]);
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
            // .NET Framework: Replace is the atomic swap when the destination exists.
            if (File.Exists(destination)) File.Replace(source, destination, null, ignoreMetadataErrors: true);
            else File.Move(source, destination);
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
