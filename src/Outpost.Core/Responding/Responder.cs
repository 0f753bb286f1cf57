using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Dispatch;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Responding
{
    /// <summary>
    /// A v1 responder over one share: N lane loops, the dispatch.txt advertisement, the STOP /
    /// PAUSE / RESTART sentinels, retention, and a stop reason each front end maps
    /// (<see cref="ResponderExitCodes"/>: 0 stop, 75 restart, 74 share unavailable).
    /// </summary>
    public sealed class Responder
    {
        private readonly ResponderOptions _flags;
        // The options in force. Lanes read it on every tick; a reload publishes a new object instead of
        // changing this one, so a lane never sees half a configuration.
        private ResponderOptions _options;
        private readonly Action<ResponderEvent>? _events;
        private DateTime _configStamp;
        private readonly ShareLayout _layout;
        private readonly FileShareTransport _share;
        private readonly WakeSignal _wake = new WakeSignal();
        private InterpreterTable _table = new InterpreterTable();
        private ShareFileSystem? _fileSystem;
        private SparePool? _spares;
        private Sessions.SessionHost? _sessions;

        public Responder(ResponderOptions options, Action<ResponderEvent>? events = null)
        {
            options.Validate();
            _flags = options;
            _options = options.Resolve(LoadConfig(options.ConfigPath));
            _configStamp = ConfigStamp();
            _events = events;
            _layout = new ShareLayout(options.SharePath);
            _share = new FileShareTransport(_layout);
        }

        public ShareLayout Layout => _layout;

        /// <summary>The options in force (flags merged with outpost.toml).</summary>
        public ResponderOptions Options => Volatile.Read(ref _options);

        private static Config.ResponderConfig? LoadConfig(string? path)
        {
            if (path is null) return null;
            var config = Config.ResponderConfig.Load(path);
            config.CheckPlatform();
            return config;
        }

        private DateTime ConfigStamp()
        {
            try { return _flags.ConfigPath is null ? default : File.GetLastWriteTimeUtc(_flags.ConfigPath); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return default; }
        }

        /// <summary>v1 notices a changed outpost.toml by its modification time and re-advertises.</summary>
        private void ReloadConfigIfChanged(ResponderJournal journal)
        {
            if (_flags.ConfigPath is null) return;
            DateTime stamp = ConfigStamp();
            if (stamp == _configStamp) return;
            _configStamp = stamp;
            ResponderOptions reloaded;
            try { reloaded = _flags.Resolve(LoadConfig(_flags.ConfigPath)); }
            catch (OutpostException e)
            {
                journal.Error(null, null, "configuration not reloaded, keeping the one in force: " + e.Message);
                return;
            }
            var current = Volatile.Read(ref _options);
            if (reloaded.LaneCount != current.LaneCount)
                journal.Warning(null, null, $"lane_count changed to {reloaded.LaneCount}; restart the responder to apply it");
            reloaded.LaneCount = current.LaneCount;
            Volatile.Write(ref _options, reloaded); // lanes pick the new snapshot up on their next tick
            if (_sessions != null && reloaded.Sessions != null) _sessions.Settings = reloaded.Sessions;
            UpdateInterpreters(reloaded.Interpreters ?? InterpreterTable.Discover());
            journal.Info("configuration reloaded", ("config", _flags.ConfigPath));
        }

        /// <summary>The advertisement this responder writes, with the dispatch table in force.</summary>
        public DispatchInfo Advertisement { get; private set; } = new DispatchInfo();

        /// <summary>Replaces the dispatch table (a reloaded configuration) and re-advertises it.</summary>
        public void UpdateInterpreters(InterpreterTable table)
        {
            Volatile.Write(ref _table, table);
            _spares?.Retire(_options.Warm); // a new table or outpost.toml: spares started from the old one go
            Advertisement = BuildAdvertisement(Advertisement.Started ?? DateTime.UtcNow);
            WriteAdvertisement();
        }

        /// <param name="stop">Graceful: running jobs finish, no new ones start (Ctrl+C).</param>
        /// <param name="interrupt">Hard: running jobs are killed and reported interrupted (a second Ctrl+C).</param>
        /// <summary>Why the last run ended, in words (for ShareUnavailable: what was missing or could not be created).</summary>
        public string StopMessage { get; private set; } = "";

        /// <summary>Tests only: drops a file-system notification when it returns true (a starved or overflowing watcher).</summary>
        internal Func<bool>? DropNotification { get; set; }

        /// <returns>Why the run ended; <see cref="ResponderExitCodes"/> turns it into v1's exit code.</returns>
        /// <exception cref="OutpostException">ShareInUse: another live responder holds the folder's claim.</exception>
        public async Task<ResponderStopReason> RunAsync(CancellationToken stop = default, CancellationToken interrupt = default)
        {
            var layoutReport = _share.PrepareLayout(_options.LaneCount);
            if (layoutReport.Fatal != null)
            {
                StopMessage = layoutReport.Fatal; // no event: the reason and StopMessage are the one report
                if (!layoutReport.Unsafe) return ResponderStopReason.ShareUnavailable;
                throw new OutpostException("ShareLayoutUnsafe", OutpostErrorKind.InvalidOperation, layoutReport.Fatal, _layout.Root);
            }
            var journal = new ResponderJournal(new EventLog(_share), _events);
            foreach (var refused in layoutReport.RefusedLanes) journal.Error(refused.Key, null, refused.Value);
            var claim = new ResponderClaim(_share);
            string? taken = claim.TryAcquire();
            if (taken != null)
            {
                // Logged for the share's record; the caller hears it once, from the exception.
                new ResponderJournal(new EventLog(_layout.EventLogFile), null).Error(null, null, "not starting: " + taken);
                throw new OutpostException("ShareInUse", OutpostErrorKind.ResourceBusy, taken, _layout.Root);
            }
            _table = _options.Interpreters ?? InterpreterTable.Discover();
            string scriptFolder = SubprocessDispatcher.CreatePrivateScriptFolder();
            var dispatcher = _options.DispatcherFactory?.Invoke(() => Volatile.Read(ref _table), scriptFolder) ?? NewDispatcher(scriptFolder, journal);

            _share.TryDelete(ShareAddress.Root(Wire.StopSentinel));
            _share.TryDelete(ShareAddress.Root(Wire.RestartSentinel));
            ShareCleanup.RemoveStaleTempFiles(_share, _options.LaneCount);
            int swept = RetentionSweeper.Sweep(_share, _options.RetainDays, DateTime.UtcNow);
            _fileSystem = ShareFileSystem.Detect(_layout.Root);
            Advertisement = BuildAdvertisement(DateTime.UtcNow);
            WriteAdvertisement();
            var scanner = new InboxScanner(_share) { Refused = (lane, name, reason) => journal.Refused(lane, name, reason) };
            var record = new JobRecord(_options.JobRecordPath is null ? JobRecord.DefaultPath(_layout.Root)
                : _options.JobRecordPath.Length == 0 ? null : _options.JobRecordPath);
            var publisher = new ResultPublisher(_share, record, () => Volatile.Read(ref _options));
            var lanes = Enumerable.Range(1, _options.LaneCount)
                .Where(n => !layoutReport.RefusedLanes.ContainsKey(n))
                .Select(n => new LaneWorker(n, _share, () => Volatile.Read(ref _options), dispatcher, scanner, journal, publisher)
                    { InboxPoll = _options.AdaptivePolling ? FolderPoll.For(_fileSystem, _layout.InboxLane(n)) : null, JobFolderRoot = scriptFolder }).ToList();
            foreach (var lane in lanes)
            {
                lane.CompleteAnsweredJobs();
                lane.WriteReady();
            }
            if (_spares != null) _ = Task.Run(() => _spares.Fill());
            journal.Started(Advertisement.Cwd, _options.LaneCount, Advertisement.ResponderName, Advertisement.Pid);
            journal.Info("share file system " + _fileSystem.Describe(), ("share_fs", _fileSystem.TypeName), ("share_watch", _fileSystem.WatchName));
            if (swept > 0) journal.Info("retention sweep", ("deleted", swept.ToString()), ("retain_days", _options.RetainDays.ToString()));


            using var laneStop = new CancellationTokenSource();
            using var laneInterrupt = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
            using var watcher = _options.UseWatcher ? _share.Watch() : null;
            if (watcher != null) Connect(watcher, lanes);

            var laneTasks = lanes.Select(l => Task.Run(() => l.RunAsync(laneStop.Token, laneInterrupt.Token))).ToList();
            ResponderStopReason stopReason;
            string reason;
            try
            {
                (stopReason, reason) = await WatchSentinelsAsync(stop, laneTasks, journal, claim).ConfigureAwait(false);
                StopMessage = reason;
                if (stopReason == ResponderStopReason.ShareUnavailable) laneInterrupt.Cancel();
                journal.Stopping(reason);
                laneStop.Cancel();
                await Task.WhenAll(laneTasks).ConfigureAwait(false);
            }
            finally
            {
                laneStop.Cancel();
                foreach (var lane in lanes) lane.Dispose();
                EndWorkers(scriptFolder);
            }
            if (stopReason != ResponderStopReason.ShareUnavailable) claim.Release();
            journal.Stopped(ResponderExitCodes.For(stopReason), reason);
            return stopReason;
        }

        /// <summary>Spares and session workers end; the private folder (scripts, staged files) goes with them.</summary>
        private void EndWorkers(string scriptFolder)
        {
            _spares?.Dispose();
            _sessions?.Dispose();
            PrivateScriptFolder.Release(scriptFolder);
            try { Directory.Delete(scriptFolder, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        /// <summary>The subprocess dispatcher with warm spares and session workers as outpost.toml asks.</summary>
        private SubprocessDispatcher NewDispatcher(string scriptFolder, ResponderJournal journal)
        {
            string cwd = _options.WorkingDirectory ?? Environment.CurrentDirectory;
            _spares = new SparePool(_options.Warm ?? new WarmSettings(), _options.LaneCount, scriptFolder, cwd, () => Volatile.Read(ref _table))
            {
                Warning = message => journal.Warning(null, null, message),
            };
            _sessions = new Sessions.SessionHost(_options.Sessions ?? new Sessions.SessionSettings(), scriptFolder)
            {
                Note = message => journal.Info(message),
            };
            return new SubprocessDispatcher(() => Volatile.Read(ref _table), scriptFolder, _spares, _sessions);
        }

        /// <summary>Waiting spares and live session workers (tests and the benchmark read their process ids).</summary>
        public SparePool? Spares => _spares;
        public Sessions.SessionHost? Sessions => _sessions;

        private async Task<(ResponderStopReason, string)> WatchSentinelsAsync(CancellationToken stop, List<Task> laneTasks, ResponderJournal journal,
            ResponderClaim claim)
        {
            DateTime nextClaimRefresh = DateTime.MinValue;
            TimeSpan configEvery = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(5).Ticks, _options.PollInterval.Ticks * 5));
            DateTime nextConfigCheck = DateTime.UtcNow + configEvery;
            while (true)
            {
                if (DateTime.UtcNow >= nextConfigCheck)
                {
                    ReloadConfigIfChanged(journal);
                    nextConfigCheck = DateTime.UtcNow + configEvery;
                }
                if (stop.IsCancellationRequested) return (ResponderStopReason.StopRequested, "stop requested");
                if (!IsShareAvailable()) return (ResponderStopReason.ShareUnavailable, $"shared folder {_layout.Root} is no longer available");
                if (HasSentinel(Wire.StopSentinel)) return (ResponderStopReason.StopSentinel, "STOP sentinel observed");
                if (HasSentinel(Wire.RestartSentinel)) return (ResponderStopReason.RestartSentinel, "RESTART sentinel observed");
                if (laneTasks.Any(t => t.IsFaulted)) throw laneTasks.First(t => t.IsFaulted).Exception!.GetBaseException();
                if (_share.KindOf(DispatchAddress) != EntryKind.File) WriteAdvertisement(); // someone cleaned the inbox (or planted something): re-advertise
                if (DateTime.UtcNow >= nextClaimRefresh)
                {
                    if (!claim.Refresh()) return (ResponderStopReason.TakenOver, "another responder took over this folder");
                    nextClaimRefresh = DateTime.UtcNow + _options.HeartbeatInterval;
                }
                await _wake.WaitAsync(_options.PollInterval < _options.HeartbeatInterval ? _options.PollInterval : _options.HeartbeatInterval, stop).ConfigureAwait(false);
            }
        }

        private void Connect(ShareWatcher watcher, List<LaneWorker> lanes)
        {
            watcher.Changed += (area, lane, name) =>
            {
                if (DropNotification?.Invoke() == true) return;
                if (area.Length == 0)
                {
                    // A sentinel at the root: STOP/RESTART for the main loop, PAUSE removed for the lanes.
                    _wake.Set();
                    foreach (var l in lanes) l.Wake();
                    return;
                }
                var worker = lanes.FirstOrDefault(l => l.Lane == lane);
                if (worker is null) return;
                if (area == Wire.InboxDir && IsJobNotification(name)) worker.Wake();
                else if (area == Wire.CancelDir) worker.WakeCancel();
            };
            watcher.Overflow += () =>
            {
                _wake.Set();
                foreach (var lane in lanes) { lane.Wake(); lane.WakeCancel(); }
            };
        }

        /// <summary>Our own heartbeats, claims and temp files also change the inbox; they are no news.</summary>
        private static bool IsJobNotification(string name) =>
            name != Wire.StatusFile && !JobFileName.IsTemporary(name) && !name.EndsWith(RunClaim.Suffix, StringComparison.Ordinal);

        private static readonly ShareAddress DispatchAddress = ShareAddress.In(ShareArea.Inbox, 0, Wire.DispatchFile);

        private bool IsShareAvailable()
        {
            try { return _share.IsAvailable(); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return false; }
        }

        /// <summary>A sentinel is its name's presence: whatever is there (even a FIFO) counts, and is never opened.</summary>
        private bool HasSentinel(string name)
        {
            try { return _share.KindOf(ShareAddress.Root(name)) != EntryKind.Missing; }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return false; }
        }

        private DispatchInfo BuildAdvertisement(DateTime started)
        {
            var table = Volatile.Read(ref _table);
            var info = new DispatchInfo
            {
                ProtocolVersion = Wire.ProtocolVersion,
                Pid = Process.GetCurrentProcess().Id,
                Started = started,
                ResponderName = string.IsNullOrWhiteSpace(_options.Name) ? HostPlatform.DefaultResponderName() : _options.Name!,
                Description = _options.Description ?? "",
                Tags = _options.Tags.ToList(),
                PlatformOs = HostPlatform.Os,
                PlatformArch = HostPlatform.Arch,
                Cwd = _options.WorkingDirectory ?? Environment.CurrentDirectory,
                Comspec = HostPlatform.IsWindows ? Environment.GetEnvironmentVariable("ComSpec") ?? "" : "",
                LaneCount = _options.LaneCount,
                Order = table.Interpreters.Select(i => i.Extension).ToList(),
                ShareFs = _fileSystem?.TypeName ?? "",
                ShareWatch = _fileSystem?.WatchName ?? "",
            };
            if (_options.Sessions?.Enabled != false && !HostPlatform.IsWindows) info.Features.Add(DispatchInfo.SessionsFeature); // no session workers on Windows yet
            info.Features.Add(Files.JobFiles.Feature);
            foreach (var tool in _options.Tools) info.Tools[tool.Key] = tool.Value;
            foreach (var interpreter in table.Interpreters) info.Interpreters[interpreter.Extension] = interpreter.Path;
            return info;
        }

        private void WriteAdvertisement()
        {
            try { _share.Write(DispatchAddress, Advertisement.ToKeyValues().ToBytes()); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
        }
    }
}
