using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Client
{
    /// <summary>The submitter's view of one share: submit, wait, read output, cancel, list, probe.</summary>
    public sealed class OutpostTarget
    {
        private readonly StemGenerator _stems;

        public OutpostTarget(string path, string? name = null, StemGenerator? stems = null)
        {
            Layout = new ShareLayout(path);
            Name = string.IsNullOrEmpty(name) ? Layout.Root : name!;
            _stems = stems ?? StemGenerator.Shared;
        }

        public string Name { get; }
        public ShareLayout Layout { get; }
        /// <summary>The responder_name this target must advertise (from the registry), or empty.</summary>
        public string ExpectedName { get; set; } = "";
        public string Path => Layout.Root;

        /// <summary>Drops a job into the inbox. Never replaces an existing job: a taken stem gets a new one.</summary>
        public OutpostJob Submit(JobSubmission submission)
        {
            if (submission.Lane < 1)
                throw new OutpostException("InvalidLane", OutpostErrorKind.InvalidArgument, $"lane must be 1 or more, not {submission.Lane}", submission.Lane);
            if (!JobFileName.IsValidExtension(submission.Extension))
                throw new OutpostException("InvalidExtension", OutpostErrorKind.InvalidArgument,
                    $"\"{submission.Extension}\" is not a usable job extension (letters and digits, e.g. sh, ps1, py)", submission.Extension);
            string label = submission.Label ?? Stem.ToLabel(submission.Extension) ?? "job";
            if (!Stem.IsValidLabel(label))
                throw new OutpostException("InvalidLabel", OutpostErrorKind.InvalidArgument,
                    $"label \"{label}\" must be 1..{Wire.MaxLabelLength} characters of a-z, 0-9, '_' or '-'", label);
            RequireShare();
            var advertised = CheckProtocolVersion();
            if (advertised != null && submission.Lane > advertised.LaneCount)
                throw new OutpostException("LaneOutOfRange", OutpostErrorKind.InvalidArgument,
                    $"lane {submission.Lane} does not exist: the responder at {Path} serves lanes 1..{advertised.LaneCount}", submission.Lane);

            byte[] content;
            try { content = JobScriptComposer.Compose(submission); }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException)
            {
                throw new OutpostException("InvalidJobOption", OutpostErrorKind.InvalidArgument, e.Message, submission.Extension, e);
            }

            string laneFolder = Layout.InboxLane(submission.Lane);
            try { Directory.CreateDirectory(laneFolder); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw Unreachable(e);
            }
            for (int attempt = 0; attempt < 100; attempt++)
            {
                var job = JobFileName.Create(_stems.Next(label), submission.Extension);
                string jobPath = Layout.JobFile(submission.Lane, job.Name);
                string signaturePath = jobPath + Trust.JobSignature.Suffix;
                try
                {
                    // The signature goes first, so a responder that sees the job always sees its signature.
                    if (submission.SigningKey != null)
                    {
                        if (File.Exists(jobPath)) continue;
                        var signature = Trust.JobSignature.Create(submission.SigningKey, job.Stem.Text, submission.Lane, job.Extension, content, DateTime.UtcNow);
                        AtomicFile.Write(signaturePath, signature.ToKeyValues().ToBytes());
                    }
                    if (AtomicFile.TryCreateNew(jobPath, content))
                        return OutpostJob.For(Name, Path, submission.Lane, job, OutpostJobState.Queued);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw Unreachable(e);
                }
            }
            throw new OutpostException("StemCollision", OutpostErrorKind.InvalidOperation,
                "could not find a free job name after 100 tries; is the clock stuck?", Path);
        }

        /// <summary>Refuses a responder that advertises a protocol other than v1 (a missing file does not block).</summary>
        /// <returns>The advertisement, or null when there is none (yet) or it does not parse.</returns>
        public DispatchInfo? CheckProtocolVersion()
        {
            var info = TryReadDispatch(out _);
            if (info != null && info.ProtocolVersion != 0 && info.ProtocolVersion != Wire.ProtocolVersion)
                throw new OutpostException("ProtocolVersionMismatch", OutpostErrorKind.ProtocolMismatch,
                    $"protocol version mismatch: the responder at {Path} speaks protocol {info.ProtocolVersion}, this client speaks {Wire.ProtocolVersion}; upgrade one side",
                    Path);
            return info;
        }

        /// <summary>The job's current state, from the outbox, the lane status, the inbox and the log.</summary>
        public OutpostJob GetJob(int lane, string stem)
        {
            if (!Stem.TryParse(stem, out var parsed, out string error))
                throw new OutpostException("InvalidStem", OutpostErrorKind.InvalidArgument, error, stem);
            RequireShare();
            var result = TryReadResult(lane, stem);
            string? ext = result?.Extension ?? FindJobFile(lane, parsed!)?.Extension;
            if (result is null && ext is null)
                throw new OutpostException("JobNotFound", OutpostErrorKind.NotFound,
                    $"no job {stem} in lane {lane} of {Name}", stem);
            var job = new OutpostJob
            {
                Target = Name,
                Path = Path,
                Lane = lane,
                Stem = stem,
                Label = parsed!.Label,
                Extension = ext ?? "",
                Submitted = parsed.Timestamp,
                Result = result,
            };
            job.State = result != null ? OutpostJob.StateOf(result)
                : File.Exists(Layout.JobFile(lane, stem + "." + ext)) ? (IsRunning(lane, stem, ext!) ? OutpostJobState.Running : OutpostJobState.Queued)
                : OutpostJobState.Archived;
            job.CancelPending = IsCancelPending(job);
            return job;
        }

        /// <summary>Every job the share knows of, oldest first: queued, running, finished and archived.</summary>
        public IReadOnlyList<OutpostJob> GetJobs(int? onlyLane = null)
        {
            RequireShare();
            var jobs = new Dictionary<(int, string), OutpostJob>();
            foreach (int lane in onlyLane.HasValue ? new[] { onlyLane.Value } : Lanes())
            {
                foreach (var name in JobNames(Layout.LogLane(lane)))
                    jobs[(lane, name.Stem.Text)] = OutpostJob.For(Name, Path, lane, name, OutpostJobState.Archived);
                foreach (string file in SafeFiles(Layout.OutboxLane(lane)))
                {
                    string fileName = System.IO.Path.GetFileName(file);
                    if (!fileName.EndsWith(Wire.ResultExtension, StringComparison.Ordinal)) continue;
                    string stem = fileName.Substring(0, fileName.Length - Wire.ResultExtension.Length);
                    if (!Stem.TryParse(stem, out var parsed)) continue;
                    var result = TryReadResult(lane, stem);
                    if (result is null) continue;
                    jobs[(lane, stem)] = new OutpostJob
                    {
                        Target = Name, Path = Path, Lane = lane, Stem = stem, Label = parsed!.Label,
                        Extension = result.Extension, Submitted = parsed.Timestamp, Result = result,
                        State = OutpostJob.StateOf(result),
                    };
                }
                var status = TryReadStatus(lane);
                foreach (var name in new InboxScanner(Layout).List(lane))
                {
                    if (jobs.ContainsKey((lane, name.Stem.Text))) continue; // answered; archive pending
                    bool running = status?.BusyStem == name.Stem.Text || File.Exists(Layout.JobFile(lane, name.Name) + ".running");
                    var job = OutpostJob.For(Name, Path, lane, name, running ? OutpostJobState.Running : OutpostJobState.Queued);
                    job.CancelPending = IsCancelPending(job);
                    jobs[(lane, name.Stem.Text)] = job;
                }
            }
            return jobs.Values.OrderBy(j => j.Stem, StringComparer.Ordinal).ThenBy(j => j.Lane).ToList();
        }

        /// <summary>
        /// Waits for the job's .result. Watches the outbox and polls as well, because notifications do not
        /// cross hosts on network shares. Throws a ConnectionError when the share goes away.
        /// </summary>
        public async Task<OutpostJob> WaitAsync(OutpostJob job, TimeSpan? timeout = null, CancellationToken cancel = default,
            Action<WaitProgress>? progress = null)
        {
            string resultFile = Layout.ResultFile(job.Lane, job.Stem);
            string outbox = Layout.OutboxLane(job.Lane);
            var started = DateTime.UtcNow;
            using var wake = new WakeSignal();
            FileSystemWatcher? watcher = null;
            try
            {
                try
                {
                    Directory.CreateDirectory(outbox);
                    watcher = new FileSystemWatcher(outbox, job.Stem + ".*") { NotifyFilter = NotifyFilters.FileName };
                    watcher.Created += (_, _) => wake.Set();
                    watcher.Renamed += (_, _) => wake.Set();
                    watcher.Error += (_, _) => wake.Set();
                    watcher.EnableRaisingEvents = true;
                }
                catch (Exception e) when (e is IOException || e is ArgumentException || e is UnauthorizedAccessException || e is PlatformNotSupportedException)
                {
                    watcher?.Dispose();
                    watcher = null; // polling alone still finds the result
                }
                DateTime lastProgress = DateTime.MinValue;
                while (true)
                {
                    cancel.ThrowIfCancellationRequested();
                    if (File.Exists(resultFile)) return GetJob(job.Lane, job.Stem);
                    if (!Directory.Exists(Layout.Root))
                        throw new OutpostException("ShareUnavailable", OutpostErrorKind.ConnectionError,
                            $"the shared folder {Path} went away while waiting for {job.Stem}; is the share still mounted?", job);
                    TimeSpan elapsed = DateTime.UtcNow - started;
                    if (timeout.HasValue && elapsed >= timeout.Value)
                        throw new OutpostException("WaitTimeout", OutpostErrorKind.Timeout,
                            $"job {job.Stem} on {Name} did not finish within {timeout.Value.TotalSeconds:0.###} s; it is still {DescribeState(job)}", job);
                    if (progress != null && DateTime.UtcNow - lastProgress > TimeSpan.FromMilliseconds(500))
                    {
                        lastProgress = DateTime.UtcNow;
                        progress(Progress(job, elapsed));
                    }
                    TimeSpan poll = elapsed < TimeSpan.FromSeconds(2) ? TimeSpan.FromMilliseconds(25)
                        : elapsed < TimeSpan.FromSeconds(30) ? TimeSpan.FromMilliseconds(100)
                        : TimeSpan.FromMilliseconds(250);
                    if (timeout.HasValue && timeout.Value - elapsed < poll) poll = timeout.Value - elapsed;
                    await wake.WaitAsync(poll < TimeSpan.Zero ? TimeSpan.Zero : poll, cancel).ConfigureAwait(false);
                }
            }
            finally
            {
                watcher?.Dispose();
            }
        }

        public OutpostJob Wait(OutpostJob job, TimeSpan? timeout = null, CancellationToken cancel = default) =>
            WaitAsync(job, timeout, cancel).GetAwaiter().GetResult();

        /// <summary>Opens a finished job's captured stdout or stderr for reading as raw bytes.</summary>
        public Stream OpenOutput(OutpostJob job, OutputStreamKind stream)
        {
            string path = stream == OutputStreamKind.Stdout ? Layout.StdoutFile(job.Lane, job.Stem) : Layout.StderrFile(job.Lane, job.Stem);
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (FileNotFoundException e)
            {
                throw new OutpostException("OutputNotFound", OutpostErrorKind.NotFound,
                    $"job {job.Stem} has no {stream.ToString().ToLowerInvariant()} file: it has not finished, or its output was removed or swept", job, e);
            }
            catch (DirectoryNotFoundException e)
            {
                throw Unreachable(e);
            }
        }

        public byte[] ReadOutput(OutpostJob job, OutputStreamKind stream)
        {
            using var source = OpenOutput(job, stream);
            using var copy = new MemoryStream();
            source.CopyTo(copy);
            return copy.ToArray();
        }

        /// <summary>Writes the cancel sentinel. The responder kills a running job (126) or skips a queued one.</summary>
        public void Cancel(int lane, string stem)
        {
            if (!Stem.TryParse(stem, out _, out string error))
                throw new OutpostException("InvalidStem", OutpostErrorKind.InvalidArgument, error, stem);
            RequireShare();
            try
            {
                Directory.CreateDirectory(Layout.CancelLane(lane));
                AtomicFile.Write(Layout.CancelFile(lane, stem), Array.Empty<byte>());
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw Unreachable(e);
            }
        }

        private bool IsCancelPending(OutpostJob job) =>
            (job.State == OutpostJobState.Queued || job.State == OutpostJobState.Running) && File.Exists(Layout.CancelFile(job.Lane, job.Stem));

        /// <summary>
        /// Takes a queued job back out of the inbox. False when it is no longer queued (it started, or
        /// finished): a running job is stopped with <see cref="Cancel"/> instead.
        /// </summary>
        public bool Withdraw(OutpostJob job)
        {
            RequireShare();
            string file = Layout.JobFile(job.Lane, job.Stem + "." + job.Extension);
            if (!File.Exists(file) || IsRunning(job.Lane, job.Stem, job.Extension)) return false;
            try { File.Delete(file); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return false; }
            AtomicFile.TryDelete(file + Trust.JobSignature.Suffix);
            AtomicFile.TryDelete(Layout.CancelFile(job.Lane, job.Stem));
            return true;
        }

        /// <summary>Deletes a finished job's result files and archived job file.</summary>
        public void Remove(OutpostJob job)
        {
            RequireShare();
            // A result appears a moment before its job is archived; let the archive land first, so no
            // archived file turns up after the removal.
            string pending = Layout.JobFile(job.Lane, job.Stem + "." + job.Extension);
            for (int i = 0; i < 100 && File.Exists(pending) && File.Exists(Layout.ResultFile(job.Lane, job.Stem)); i++)
                System.Threading.Thread.Sleep(20);
            foreach (string file in new[]
                     {
                         Layout.ResultFile(job.Lane, job.Stem), Layout.StdoutFile(job.Lane, job.Stem),
                         Layout.StderrFile(job.Lane, job.Stem), Layout.CancelFile(job.Lane, job.Stem),
                         Layout.ArchivedJobFile(job.Lane, job.Stem + "." + job.Extension),
                         Layout.ArchivedJobFile(job.Lane, job.Stem + "." + job.Extension) + Trust.JobSignature.Suffix,
                     })
            {
                try { if (File.Exists(file)) File.Delete(file); }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new OutpostException("RemoveFailed", OutpostErrorKind.PermissionDenied, $"could not delete {file}: {e.Message}", job, e);
                }
            }
        }

        /// <summary>Creates a global sentinel (STOP, PAUSE, RESTART).</summary>
        public void SetSentinel(string sentinel)
        {
            RequireShare();
            try { AtomicFile.Write(Layout.Sentinel(sentinel), Array.Empty<byte>()); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { throw Unreachable(e); }
        }

        public void ClearSentinel(string sentinel)
        {
            RequireShare();
            AtomicFile.TryDelete(Layout.Sentinel(sentinel));
        }

        public bool HasSentinel(string sentinel) => File.Exists(Layout.Sentinel(sentinel));

        /// <summary>Reads the advertisement and every lane's heartbeat.</summary>
        public OutpostTargetStatus Probe() => TargetProbe.Probe(this, DateTime.UtcNow);

        internal DispatchInfo? TryReadDispatch(out string? error)
        {
            error = null;
            try { return DispatchInfo.Parse(File.ReadAllBytes(Layout.DispatchFile), Layout.DispatchFile); }
            catch (FileNotFoundException) { error = "no responder has advertised here yet (inbox/dispatch.txt is missing)"; }
            catch (DirectoryNotFoundException) { error = "no responder has advertised here yet (inbox/dispatch.txt is missing)"; }
            catch (FormatException e) { error = "inbox/dispatch.txt is not valid: " + e.Message; }
            catch (IOException e) { error = "cannot read inbox/dispatch.txt: " + e.Message; }
            catch (UnauthorizedAccessException e) { error = "cannot read inbox/dispatch.txt: " + e.Message; }
            return null;
        }

        internal LaneStatusRecord? TryReadStatus(int lane)
        {
            try { return LaneStatusRecord.Parse(File.ReadAllBytes(Layout.StatusFile(lane))); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is FormatException) { return null; }
        }

        internal OutpostResult? TryReadResult(int lane, string stem)
        {
            string path = Layout.ResultFile(lane, stem);
            try
            {
                var result = JobResult.Parse(File.ReadAllBytes(path), path);
                return OutpostResult.From(result, Layout.StdoutFile(lane, stem), Layout.StderrFile(lane, stem));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is FormatException) { return null; }
        }

        /// <summary>Lane numbers present in the inbox (lane 1 always).</summary>
        internal IReadOnlyList<int> Lanes()
        {
            var lanes = new SortedSet<int> { 1 };
            foreach (string area in new[] { Layout.Inbox, Layout.Outbox, Layout.Log })
            {
                try
                {
                    foreach (string dir in Directory.GetDirectories(area))
                        if (ShareLayout.TryParseLaneName(System.IO.Path.GetFileName(dir), out int lane)) lanes.Add(lane);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
            }
            return lanes.ToList();
        }

        private bool IsRunning(int lane, string stem, string ext) =>
            File.Exists(Layout.JobFile(lane, stem + "." + ext) + ".running") || TryReadStatus(lane)?.BusyStem == stem;

        private JobFileName? FindJobFile(int lane, Stem stem)
        {
            foreach (string folder in new[] { Layout.InboxLane(lane), Layout.LogLane(lane) })
            {
                foreach (var name in JobNames(folder))
                    if (name.Stem.Text == stem.Text) return name;
            }
            return null;
        }

        private static IEnumerable<JobFileName> JobNames(string folder)
        {
            foreach (string file in SafeFiles(folder))
                if (JobFileName.TryParse(System.IO.Path.GetFileName(file), out var name)) yield return name!;
        }

        private static string[] SafeFiles(string folder)
        {
            try { return Directory.GetFiles(folder); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return Array.Empty<string>(); }
        }

        private string DescribeState(OutpostJob job)
        {
            try { return GetJob(job.Lane, job.Stem).State.ToString().ToLowerInvariant(); }
            catch (OutpostException) { return "not finished"; }
        }

        private WaitProgress Progress(OutpostJob job, TimeSpan elapsed)
        {
            var status = TryReadStatus(job.Lane);
            int position = 0;
            try
            {
                var pending = new InboxScanner(Layout).List(job.Lane);
                position = pending.ToList().FindIndex(p => p.Stem.Text == job.Stem) + 1;
            }
            catch (IOException) { }
            return new WaitProgress(job, elapsed, position, status?.State ?? LaneState.Unknown,
                status?.IsAlive(DateTime.UtcNow) ?? false);
        }

        private void RequireShare()
        {
            if (!Directory.Exists(Layout.Root))
                throw new OutpostException("ShareUnavailable", OutpostErrorKind.ConnectionError,
                    $"the shared folder {Path} does not exist or is not reachable; check the path and that the share is mounted", Path);
        }

        private OutpostException Unreachable(Exception e) => new OutpostException("ShareUnavailable", OutpostErrorKind.ConnectionError,
            $"the shared folder {Path} is not usable: {e.Message}", Path, e);
    }

    public enum OutputStreamKind { Stdout, Stderr }

    /// <summary>A snapshot for progress bars: where the job is in its lane's queue and how the lane looks.</summary>
    public sealed class WaitProgress
    {
        public WaitProgress(OutpostJob job, TimeSpan elapsed, int queuePosition, LaneState laneState, bool responderAlive)
        {
            Job = job;
            Elapsed = elapsed;
            QueuePosition = queuePosition;
            LaneState = laneState;
            ResponderAlive = responderAlive;
        }

        public OutpostJob Job { get; }
        public TimeSpan Elapsed { get; }
        /// <summary>1 = next (or running); 0 = no longer in the inbox.</summary>
        public int QueuePosition { get; }
        public LaneState LaneState { get; }
        public bool ResponderAlive { get; }
    }
}
