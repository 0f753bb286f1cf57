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
    /// <summary>
    /// The submitter's view of one share: submit, wait, read output, cancel, list, probe. Every share
    /// access goes through the transport, so nothing here follows a link, opens a FIFO or builds a path
    /// from an unchecked name read back from the share.
    /// </summary>
    public sealed class OutpostTarget
    {
        private readonly StemGenerator _stems;

        public OutpostTarget(string path, string? name = null, StemGenerator? stems = null)
            : this(new FileShareTransport(path), name, stems) { }

        public OutpostTarget(FileShareTransport share, string? name = null, StemGenerator? stems = null)
        {
            Share = share;
            Layout = share.Layout;
            Name = string.IsNullOrEmpty(name) ? Layout.Root : name!;
            _stems = stems ?? StemGenerator.Shared;
        }

        public string Name { get; }
        public ShareLayout Layout { get; }
        public ISubmitterTransport Share { get; }
        /// <summary>The responder_name this target must advertise (from the registry), or empty.</summary>
        public string ExpectedName { get; set; } = "";

        /// <summary>
        /// The responder's pinned public key (responder_key in targets.toml): every result must carry a
        /// signature that verifies with it, or it is rejected as an error. Null accepts results as v1 does.
        /// </summary>
        public Trust.OutpostKey? ResponderKey { get; set; }

        /// <summary>A registered target, with its expected name and pinned responder key.</summary>
        public static OutpostTarget FromEntry(Config.TargetEntry entry) =>
            new OutpostTarget(entry.Path, entry.Name) { ExpectedName = entry.ExpectedName, ResponderKey = entry.ResponderKey };
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
            string signedFor = submission.SigningKey is null ? "" : SigningTarget(advertised);
            if (advertised != null && submission.Lane > advertised.LaneCount)
                throw new OutpostException("LaneOutOfRange", OutpostErrorKind.InvalidArgument,
                    $"lane {submission.Lane} does not exist: the responder at {Path} serves lanes 1..{advertised.LaneCount}", submission.Lane);

            byte[] content = Compose(submission, null);
            var files = submission.HasFiles ? PlanFiles(submission, advertised) : null;

            try { Share.EnsureFolder(ShareArea.Inbox, submission.Lane); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw Unreachable(e);
            }
            for (int attempt = 0; attempt < 100; attempt++)
            {
                var job = JobFileName.Create(_stems.Next(label), submission.Extension);
                var jobAddress = JobAddress(submission.Lane, job.Name);
                Files.BundleWriter? bundle = null;
                try
                {
                    if (files != null)
                    {
                        if (Share.KindOf(jobAddress) != EntryKind.Missing) continue;
                        bundle = new Files.BundleWriter(Share, Files.JobFiles.ManifestAddress(submission.Lane, job.Name), submission.CompressFiles,
                            progress: submission.Progress, cancel: submission.Cancel);
                        byte[] manifest = WriteFiles(bundle, files, submission);
                        content = Compose(submission, Trust.JobSignature.Sha256Hex(manifest));
                    }
                    // The signature goes first, so a responder that sees the job always sees its signature.
                    if (submission.SigningKey != null)
                    {
                        if (Share.KindOf(jobAddress) != EntryKind.Missing) continue;
                        var signature = Trust.JobSignature.Create(submission.SigningKey, job.Stem.Text, submission.Lane, job.Extension, content, DateTime.UtcNow, signedFor);
                        Share.Write(jobAddress.WithName(job.Name + Trust.JobSignature.Suffix), signature.ToKeyValues().ToBytes());
                    }
                    if (Share.TryCreate(jobAddress, content))
                        return OutpostJob.For(Name, Path, submission.Lane, job, OutpostJobState.Queued);
                    bundle?.Remove();
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    bundle?.Remove();
                    throw Unreachable(e);
                }
            }
            throw new OutpostException("StemCollision", OutpostErrorKind.InvalidOperation,
                "could not find a free job name after 100 tries; is the clock stuck?", Path);
        }

        private static byte[] Compose(JobSubmission submission, string? filesSha256)
        {
            try { return JobScriptComposer.Compose(submission, filesSha256); }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException)
            {
                throw new OutpostException("InvalidJobOption", OutpostErrorKind.InvalidArgument, e.Message, submission.Extension, e);
            }
        }

        /// <summary>
        /// The attachments to send, after checking that the responder serves files at all: a v1 responder (the Go
        /// outpost, an older Outpost) would run the job without them, so such a job is refused here, before anything is written.
        /// </summary>
        private IReadOnlyList<Files.BundleItem> PlanFiles(JobSubmission submission, DispatchInfo? advertised)
        {
            if (advertised is null)
                throw new OutpostException("FilesNotSupported", OutpostErrorKind.InvalidOperation,
                    $"cannot send files to {Name}: no responder has advertised there yet, so it is not known to take them; start the responder first", Path);
            if (!advertised.Features.Contains(Files.JobFiles.Feature))
                throw new OutpostException("FilesNotSupported", OutpostErrorKind.InvalidOperation,
                    $"the responder at {Name} does not take files (it does not advertise outpost_features={Files.JobFiles.Feature}): it is a v1 responder " +
                    "(the Go outpost, or an older Outpost) and would run the job without them; upgrade it, or copy the files into place another way", Path);
            if (TimeoutHeader.MarkerFor(submission.Extension) is null)
                throw new OutpostException("InvalidJobOption", OutpostErrorKind.InvalidArgument,
                    $"a .{submission.Extension} job cannot carry files: they are named in a header comment, which Outpost writes only for sh, zsh, py, ps1, cmd, bat and btm", submission.Extension);
            Files.JobFiles.CheckCollect(submission.Collect);
            try { return Files.BundleItem.FromLocalPaths(submission.Attachments); }
            catch (Files.BundleException e) when (e.Failure == Files.BundleFailure.Exists)
            {
                throw new OutpostException("AttachmentNameConflict", OutpostErrorKind.InvalidArgument, e.Message, submission.Attachments, e);
            }
            catch (Files.BundleException e)
            {
                throw new OutpostException("AttachmentNotFound", OutpostErrorKind.NotFound, e.Message, submission.Attachments, e);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new OutpostException("AttachmentUnreadable", OutpostErrorKind.PermissionDenied, "cannot read the attachments: " + e.Message, submission.Attachments, e);
            }
        }

        private static byte[] WriteFiles(Files.BundleWriter bundle, IReadOnlyList<Files.BundleItem> items, JobSubmission submission)
        {
            var manifest = new Files.BundleManifest { CollectFrom = submission.CollectFrom ?? "" };
            foreach (string pattern in submission.Collect) manifest.Collect.Add(pattern);
            try { return bundle.Write(items, manifest); }
            catch (Files.BundleException e) when (e.Failure == Files.BundleFailure.Local)
            {
                throw new OutpostException("AttachmentUnreadable", OutpostErrorKind.PermissionDenied, e.Message, submission.Attachments, e);
            }
        }

        /// <summary>
        /// The responder a signed job is made for: the registry's expected_name, else the name the responder
        /// advertises. The signature names it, so a copy of the job runs on no other responder.
        /// </summary>
        private string SigningTarget(DispatchInfo? advertised)
        {
            string name = ExpectedName.Length > 0 ? ExpectedName : advertised?.ResponderName ?? "";
            if (name.Length == 0)
                throw new OutpostException("SigningTargetUnknown", OutpostErrorKind.InvalidOperation,
                    $"cannot sign a job for {Name}: no responder has advertised here yet and the target has no expected_name; " +
                    "start the responder first, or set expected_name for this target in targets.toml", Path);
            return name;
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
            var result = TryReadResult(lane, stem, out string? rejected);
            if (rejected != null)
                throw new OutpostException("ResultRejected", OutpostErrorKind.InvalidData,
                    $"job {stem} on {Name}: the result in the share was not accepted: {rejected}", stem);
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
                : Share.KindOf(JobAddress(lane, stem + "." + ext)) != EntryKind.Missing ? (IsRunning(lane, stem, ext!) ? OutpostJobState.Running : OutpostJobState.Queued)
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
                foreach (var name in JobNames(ShareArea.Log, lane))
                    jobs[(lane, name.Stem.Text)] = OutpostJob.For(Name, Path, lane, name, OutpostJobState.Archived);
                foreach (string fileName in FileNames(ShareArea.Outbox, lane))
                {
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
                foreach (var name in SafeList(lane))
                {
                    if (jobs.ContainsKey((lane, name.Stem.Text))) continue; // answered; archive pending
                    bool running = status?.BusyStem == name.Stem.Text || IsClaimed(lane, name.Name);
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
            var resultAddress = ResultAddress(job.Lane, job.Stem);
            var started = DateTime.UtcNow;
            using var wake = new WakeSignal();
            IDisposable? watcher = null;
            try
            {
                try
                {
                    Share.EnsureFolder(ShareArea.Outbox, job.Lane);
                    watcher = Share.Watch(ShareArea.Outbox, job.Lane, job.Stem + ".", wake.Set);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    watcher = null; // polling alone still finds the result (or reports the share gone)
                }
                DateTime lastProgress = DateTime.MinValue;
                var resultProbe = FolderPoll.ResultProbe(Layout.OutboxLane(job.Lane)); // null where notifications see the responder's writes
                while (true)
                {
                    cancel.ThrowIfCancellationRequested();
                    if ((resultProbe == null || resultProbe.Look()) && Share.KindOf(resultAddress) != EntryKind.Missing) return Finished(job);
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
                    TimeSpan poll = FolderPoll.ResultInterval(elapsed, resultProbe != null);
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

        /// <summary>Opens a finished job's captured stdout or stderr for reading as raw bytes (a regular file in the share, never a link).</summary>
        public Stream OpenOutput(OutpostJob job, OutputStreamKind stream)
        {
            RequireStem(job.Stem);
            var address = stream == OutputStreamKind.Stdout ? StdoutAddress(job.Lane, job.Stem) : StderrAddress(job.Lane, job.Stem);
            Stream? opened;
            try { opened = Share.OpenRead(address); }
            catch (ShareRefusedException e)
            {
                throw new OutpostException("OutputRefused", OutpostErrorKind.InvalidData,
                    $"job {job.Stem}'s {stream.ToString().ToLowerInvariant()} is not a regular file in the share (a link or special file planted there?): {e.Message}", job, e);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw Unreachable(e);
            }
            return opened ?? throw new OutpostException("OutputNotFound", OutpostErrorKind.NotFound,
                $"job {job.Stem} has no {stream.ToString().ToLowerInvariant()} file: it has not finished, or its output was removed or swept", job);
        }

        public byte[] ReadOutput(OutpostJob job, OutputStreamKind stream)
        {
            using var source = OpenOutput(job, stream);
            using var copy = new MemoryStream();
            source.CopyTo(copy);
            byte[] bytes = copy.ToArray();
            if (ResponderKey != null) RequireSignedOutput(job, stream, bytes);
            return bytes;
        }

        /// <summary>With a pinned key, output is returned only when its hash is the one the responder signed.</summary>
        private void RequireSignedOutput(OutpostJob job, OutputStreamKind stream, byte[] bytes)
        {
            string? rejected = new ResultReader(Share, ResponderKey).CheckOutput(job.Lane, job.Stem, stream, bytes);
            if (rejected != null) throw Rejected(job, rejected);
        }

        /// <summary>Writes the cancel sentinel. The responder kills a running job (126) or skips a queued one.</summary>
        public void Cancel(int lane, string stem)
        {
            if (!Stem.TryParse(stem, out _, out string error))
                throw new OutpostException("InvalidStem", OutpostErrorKind.InvalidArgument, error, stem);
            RequireShare();
            try
            {
                Share.EnsureFolder(ShareArea.Cancel, lane);
                Share.Write(ShareAddress.In(ShareArea.Cancel, lane, stem), Array.Empty<byte>());
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw Unreachable(e);
            }
        }

        private bool IsCancelPending(OutpostJob job)
        {
            if (job.State != OutpostJobState.Queued && job.State != OutpostJobState.Running) return false;
            try { return Share.KindOf(ShareAddress.In(ShareArea.Cancel, job.Lane, job.Stem)) != EntryKind.Missing; }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return false; }
        }

        /// <summary>
        /// Takes a queued job back out of the inbox. False when it is no longer queued (it started, or
        /// finished): a running job is stopped with <see cref="Cancel"/> instead.
        /// </summary>
        public bool Withdraw(OutpostJob job)
        {
            RequireShare();
            RequireStem(job.Stem);
            RequireExtension(job.Extension);
            var file = JobAddress(job.Lane, job.Stem + "." + job.Extension);
            if (Share.KindOf(file) == EntryKind.Missing || IsRunning(job.Lane, job.Stem, job.Extension)) return false;
            if (!Share.TryDelete(file)) return false;
            Share.TryDelete(file.WithName(file.Name + Trust.JobSignature.Suffix));
            Share.TryDelete(ShareAddress.In(ShareArea.Cancel, job.Lane, job.Stem));
            RemoveBundle(Files.JobFiles.ManifestAddress(job.Lane, file.Name));
            return true;
        }

        /// <summary>Deletes a bundle's manifest and its parts (a withdrawn job's attachments, a removed job's artifacts).</summary>
        private void RemoveBundle(ShareAddress manifest)
        {
            Share.TryDelete(manifest);
            Files.BundleWriter.DeleteParts(Share, manifest);
        }

        /// <summary>Deletes a finished job's result files and archived job file.</summary>
        public void Remove(OutpostJob job)
        {
            RequireShare();
            // Stem and extension may come from a result file in the share: checked before any name is built.
            RequireStem(job.Stem);
            RequireExtension(job.Extension);
            // A result appears a moment before its job is archived; let the archive land first, so no
            // archived file turns up after the removal.
            var pending = JobAddress(job.Lane, job.Stem + "." + job.Extension);
            for (int i = 0; i < 100 && Share.KindOf(pending) != EntryKind.Missing && Share.KindOf(ResultAddress(job.Lane, job.Stem)) != EntryKind.Missing; i++)
                System.Threading.Thread.Sleep(20);
            var archived = ShareAddress.In(ShareArea.Log, job.Lane, job.Stem + "." + job.Extension);
            foreach (var file in new[]
                     {
                         ResultAddress(job.Lane, job.Stem), ResultReader.SignatureAddress(job.Lane, job.Stem),
                         StdoutAddress(job.Lane, job.Stem), StderrAddress(job.Lane, job.Stem), ShareAddress.In(ShareArea.Cancel, job.Lane, job.Stem),
                         archived, archived.WithName(archived.Name + Trust.JobSignature.Suffix),
                     })
            {
                try { Share.Delete(file); }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new OutpostException("RemoveFailed", OutpostErrorKind.PermissionDenied, $"could not delete {Share.LocationOf(file)}: {e.Message}", job, e);
                }
            }
            RemoveBundle(Files.JobFiles.ArtifactsAddress(job.Lane, job.Stem));
            Share.TryDelete(archived.WithName(archived.Name + Files.JobFiles.ManifestSuffix));
        }

        /// <summary>Creates a global sentinel (STOP, PAUSE, RESTART).</summary>
        public void SetSentinel(string sentinel)
        {
            RequireShare();
            try { Share.Write(ShareAddress.Root(sentinel), Array.Empty<byte>()); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { throw Unreachable(e); }
        }

        public void ClearSentinel(string sentinel)
        {
            RequireShare();
            Share.TryDelete(ShareAddress.Root(sentinel));
        }

        public bool HasSentinel(string sentinel)
        {
            try { return Share.KindOf(ShareAddress.Root(sentinel)) != EntryKind.Missing; }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return false; }
        }

        /// <summary>Reads the advertisement and every lane's heartbeat.</summary>
        public OutpostTargetStatus Probe() => TargetProbe.Probe(this, DateTime.UtcNow);

        private static readonly ShareAddress DispatchAddress = ShareAddress.In(ShareArea.Inbox, 0, Wire.DispatchFile);

        internal DispatchInfo? TryReadDispatch(out string? error)
        {
            error = null;
            const string missing = "no responder has advertised here yet (inbox/dispatch.txt is missing)";
            try
            {
                byte[]? bytes = Share.Read(DispatchAddress, 1024 * 1024);
                if (bytes is null) error = missing;
                else return DispatchInfo.Parse(bytes, Share.LocationOf(DispatchAddress));
            }
            catch (DirectoryNotFoundException) { error = missing; }
            catch (FormatException e) { error = "inbox/dispatch.txt is not valid: " + e.Message; }
            catch (IOException e) { error = "cannot read inbox/dispatch.txt: " + e.Message; }
            catch (UnauthorizedAccessException e) { error = "cannot read inbox/dispatch.txt: " + e.Message; }
            return null;
        }

        internal LaneStatusRecord? TryReadStatus(int lane)
        {
            byte[]? bytes = Share.TryRead(ShareAddress.In(ShareArea.Inbox, lane, Wire.StatusFile), 64 * 1024);
            if (bytes is null) return null;
            try { return LaneStatusRecord.Parse(bytes); }
            catch (FormatException) { return null; }
        }

        /// <summary>
        /// The job's .result, or null when there is none or it cannot be trusted as this job's result: a
        /// result naming another stem or lane, or an extension that is not a plain extension (a hostile
        /// <c>ext=../../x</c> would otherwise become a path on this machine).
        /// </summary>
        internal OutpostResult? TryReadResult(int lane, string stem) => TryReadResult(lane, stem, out _);

        /// <param name="rejected">Why a result that is there was not accepted (null when accepted or absent).</param>
        internal OutpostResult? TryReadResult(int lane, string stem, out string? rejected) =>
            new ResultReader(Share, ResponderKey).TryRead(lane, stem, out rejected);

        /// <summary>Lane numbers present in the inbox (lane 1 always).</summary>
        internal IReadOnlyList<int> Lanes()
        {
            var lanes = new SortedSet<int> { 1 };
            foreach (var area in new[] { ShareArea.Inbox, ShareArea.Outbox, ShareArea.Log })
            {
                try { lanes.UnionWith(Share.Lanes(area)); }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
            }
            return lanes.ToList();
        }

        private bool IsRunning(int lane, string stem, string ext) => IsClaimed(lane, stem + "." + ext) || TryReadStatus(lane)?.BusyStem == stem;

        private bool IsClaimed(int lane, string jobName)
        {
            try { return Share.KindOf(JobAddress(lane, jobName + ".running")) != EntryKind.Missing; }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return false; }
        }

        private JobFileName? FindJobFile(int lane, Stem stem)
        {
            foreach (var area in new[] { ShareArea.Inbox, ShareArea.Log })
            {
                foreach (var name in JobNames(area, lane))
                    if (name.Stem.Text == stem.Text) return name;
            }
            return null;
        }

        private IEnumerable<JobFileName> JobNames(ShareArea area, int lane)
        {
            foreach (string file in FileNames(area, lane))
                if (JobFileName.TryParse(file, out var name)) yield return name!;
        }

        /// <summary>Names of the regular files in a lane folder that are safe to use; none when the folder is missing or refused.</summary>
        private IEnumerable<string> FileNames(ShareArea area, int lane)
        {
            IReadOnlyList<ShareEntry> entries;
            try { entries = Share.List(area, lane); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { yield break; }
            foreach (var entry in entries)
                if (entry.Kind == EntryKind.File && ShareAddress.IsSafeName(entry.Name)) yield return entry.Name;
        }

        private IReadOnlyList<JobFileName> SafeList(int lane)
        {
            try { return new InboxScanner(Share).List(lane); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return Array.Empty<JobFileName>(); }
        }

        private static ShareAddress JobAddress(int lane, string name) => ShareAddress.In(ShareArea.Inbox, lane, name);
        private static ShareAddress ResultAddress(int lane, string stem) => ResultReader.ResultAddress(lane, stem);
        private static ShareAddress StdoutAddress(int lane, string stem) => ResultReader.StdoutAddress(lane, stem);
        private static ShareAddress StderrAddress(int lane, string stem) => ResultReader.StderrAddress(lane, stem);

        private static void RequireStem(string stem)
        {
            if (!Stem.TryParse(stem, out _, out string error))
                throw new OutpostException("InvalidStem", OutpostErrorKind.InvalidArgument, error, stem);
        }

        private static void RequireExtension(string ext)
        {
            if (!JobFileName.IsValidExtension(ext))
                throw new OutpostException("InvalidExtension", OutpostErrorKind.InvalidArgument,
                    $"\"{ShareAddress.Printable(ext)}\" is not a job extension (letters, digits, '_' or '-')", ext);
        }

        /// <summary>The job once its .result is there: refused as an error when the result cannot be trusted.</summary>
        private OutpostJob Finished(OutpostJob job)
        {
            TryReadResult(job.Lane, job.Stem, out string? rejected);
            if (rejected != null) throw Rejected(job, rejected);
            var done = GetJob(job.Lane, job.Stem);
            if (done.Result is null) throw Rejected(job, "it vanished or changed while being read");
            return done;
        }

        private OutpostException Rejected(OutpostJob job, string why) => new OutpostException("ResultRejected", OutpostErrorKind.InvalidData,
            $"job {job.Stem} on {Name}: the result in the share was not accepted: {why}", job);

        private string DescribeState(OutpostJob job)
        {
            try { return GetJob(job.Lane, job.Stem).State.ToString().ToLowerInvariant(); }
            catch (OutpostException) { return "not finished"; }
        }

        /// <summary>
        /// Where a submitted job stands now (queue position, lane state, whether a responder is alive), as
        /// the progress of <see cref="WaitAsync"/> reports it; for callers that follow a job their own way.
        /// </summary>
        public WaitProgress GetProgress(OutpostJob job, TimeSpan elapsed) => Progress(job, elapsed);

        private WaitProgress Progress(OutpostJob job, TimeSpan elapsed)
        {
            var status = TryReadStatus(job.Lane);
            int position = 0;
            try
            {
                var pending = SafeList(job.Lane);
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
