using System;
using System.IO;
using Outpost.Core.Protocol;

namespace Outpost.Core.Transport
{
    /// <summary>
    /// File-system notifications for a share, turned into "look now" hints. They are only hints:
    /// notifications may be dropped, overflow, or never cross hosts on a network share, so every
    /// consumer keeps polling as its safety net and treats a hint as "poll early".
    /// </summary>
    public sealed class ShareWatcher : IDisposable
    {
        private readonly FileSystemWatcher? _watcher;
        private readonly string _root;

        public ShareWatcher(string root)
        {
            _root = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            try
            {
                _watcher = new FileSystemWatcher(_root)
                {
                    IncludeSubdirectories = true,
                    // Names only: content writes (a job's stdout growing) would flood the buffer for nothing.
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName,
                    InternalBufferSize = 64 * 1024,
                };
                _watcher.Created += OnChange;
                _watcher.Renamed += OnChange;
                _watcher.Deleted += OnChange;
                _watcher.Error += (_, _) => Overflow?.Invoke();
                _watcher.EnableRaisingEvents = true;
            }
            catch (Exception e) when (e is ArgumentException || e is IOException || e is PlatformNotSupportedException ||
                                      e is UnauthorizedAccessException)
            {
                // Some shares refuse notifications; polling alone still delivers every job.
                _watcher?.Dispose();
                _watcher = null;
            }
        }

        /// <summary>False when the folder gave no notifications at all (polling only).</summary>
        public bool IsActive => _watcher != null;

        /// <summary>(area, lane, name): area is inbox, outbox, cancel or log; lane 0 for the share root.</summary>
        public event Action<string, int, string>? Changed;

        /// <summary>Notifications were lost: everyone should rescan.</summary>
        public event Action? Overflow;

        private void OnChange(object sender, FileSystemEventArgs e)
        {
            string full = e.FullPath;
            if (!full.StartsWith(_root, StringComparison.Ordinal)) return;
            string relative = full.Substring(_root.Length).TrimStart(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            string[] parts = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            if (parts.Length == 1)
            {
                Changed?.Invoke("", 0, parts[0]);
                return;
            }
            if (parts.Length >= 2 && ShareLayout.TryParseLaneName(parts[1], out int lane))
                Changed?.Invoke(parts[0], lane, parts.Length >= 3 ? parts[2] : "");
            else if (parts.Length >= 2 && parts[0] == Wire.InboxDir)
                Changed?.Invoke(parts[0], 0, parts[1]);
        }

        public void Dispose() => _watcher?.Dispose();
    }
}
