using System;
using System.Text;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Responding
{
    /// <summary>
    /// Publishes a job's three result files in v1's order (.stdout, .stderr, then .result last) and
    /// archives the job file to log/. The order is the contract: a submitter that sees .result may
    /// read the other two at once.
    /// </summary>
    internal sealed class ResultPublisher
    {
        private readonly IResponderTransport _share;
        private readonly JobRecord _record;
        private readonly Func<ResponderOptions>? _options;

        /// <param name="record">This responder's own record of finished jobs (outside the share).</param>
        /// <param name="options">The options in force: the result key and responder name for signing.</param>
        public ResultPublisher(IResponderTransport share, JobRecord? record = null, Func<ResponderOptions>? options = null)
        {
            _share = share;
            _record = record ?? new JobRecord(null);
            _options = options;
        }

        public JobRecord Record => _record;

        public static ShareAddress ResultAddress(int lane, string stem) => ShareAddress.In(ShareArea.Outbox, lane, stem + Wire.ResultExtension);
        public static ShareAddress StdoutAddress(int lane, string stem) => ShareAddress.In(ShareArea.Outbox, lane, stem + Wire.StdoutExtension);
        public static ShareAddress StderrAddress(int lane, string stem) => ShareAddress.In(ShareArea.Outbox, lane, stem + Wire.StderrExtension);

        /// <summary>The .result, once .stdout and .stderr are in place (see <see cref="StagedOutput.PublishTo"/>).</summary>
        public void PublishResult(int lane, JobResult result) => WriteResult(lane, result);

        /// <summary>Empties a published output file, giving its space back to a full share.</summary>
        public void DropOutput(ShareAddress output) => _share.Write(output, Array.Empty<byte>(), durable: false);

        /// <summary>A result the responder makes without running anything (cancelled before dispatch, interrupted, refused).</summary>
        public JobResult PublishWithoutRunning(int lane, JobFileName job, int exitCode, bool cancelled, string stderrLine)
        {
            DateTime now = DateTime.UtcNow;
            byte[] stderr = new UTF8Encoding(false).GetBytes(stderrLine + "\n");
            var result = NewResult(lane, job);
            result.ExitCode = exitCode;
            result.Cancelled = cancelled;
            result.Started = now;
            result.Finished = now;
            result.StderrBytes = stderr.Length; // v1 wrote 0 here; we count what the file holds
            _share.Write(StdoutAddress(lane, job.Stem.Text), Array.Empty<byte>());
            _share.Write(StderrAddress(lane, job.Stem.Text), stderr);
            WriteResult(lane, result);
            return result;
        }

        /// <summary>
        /// The .result, last. Before it: the record that this responder finished the job (so a crash in
        /// between never has the job answered twice), and, with a result key, the signature sidecar.
        /// </summary>
        private void WriteResult(int lane, JobResult result)
        {
            byte[] bytes = result.ToKeyValues().ToBytes();
            _record.Finished(lane, result.Stem);
            var options = _options?.Invoke();
            var resultAddress = ResultAddress(lane, result.Stem);
            var signatureAddress = resultAddress.WithName(resultAddress.Name + Trust.ResultSignature.Suffix);
            if (options?.ResultKey is { HasPrivateKey: true } key)
            {
                string name = string.IsNullOrWhiteSpace(options.Name) ? HostPlatform.DefaultResponderName() : options.Name!;
                var signature = Trust.ResultSignature.Create(key, name, result.Stem, lane, bytes,
                    HashOf(StdoutAddress(lane, result.Stem)), HashOf(StderrAddress(lane, result.Stem)));
                _share.Write(signatureAddress, signature.ToKeyValues().ToBytes());
            }
            else _share.TryDelete(signatureAddress); // never leave a signature planted for another result beside this one
            _share.Write(resultAddress, bytes);
        }

        private string HashOf(ShareAddress address)
        {
            using var stream = _share.OpenRead(address);
            return Trust.ResultSignature.Sha256Hex(stream);
        }

        /// <summary>
        /// A .result this responder never wrote (its record has no finish for the job): planted, or left by
        /// a responder elsewhere. It is removed with its outputs, and the job runs; true when there was one.
        /// </summary>
        public bool RemoveForeignResult(int lane, JobFileName job)
        {
            if (!HasResult(lane, job) || _record.WasFinished(lane, job.Stem.Text)) return false;
            string stem = job.Stem.Text;
            foreach (var address in new[] { ResultAddress(lane, stem), StdoutAddress(lane, stem), StderrAddress(lane, stem) })
            {
                _share.TryDelete(address);
                if (address.Name.EndsWith(Wire.ResultExtension, StringComparison.Ordinal)) _share.TryDelete(address.WithName(address.Name + Trust.ResultSignature.Suffix));
            }
            return true;
        }

        public static JobResult NewResult(int lane, JobFileName job) => new JobResult
        {
            Stem = job.Stem.Text,
            Lane = lane,
            Extension = job.Extension,
            Label = job.Stem.Label,
        };

        /// <summary>Moves the job to log/&lt;lane&gt;/ and drops its cancel sentinel: the job is over.</summary>
        public void Archive(int lane, JobFileName job)
        {
            var source = ShareAddress.In(ShareArea.Inbox, lane, job.Name);
            var target = ShareAddress.In(ShareArea.Log, lane, job.Name);
            if (_share.KindOf(source) == EntryKind.File) ArchiveJobFile(source, target);
            var signature = source.WithName(job.Name + Trust.JobSignature.Suffix);
            if (_share.KindOf(signature) == EntryKind.File) _share.Move(signature, target.WithName(signature.Name));
            else _share.TryDelete(signature); // a link or FIFO planted as a signature is removed, never moved or opened
            _share.TryDelete(ShareAddress.In(ShareArea.Cancel, lane, job.Stem.Text));
            JobFolder.Archive(_share, lane, job);
        }

        /// <summary>
        /// Moves the job as it is, or, when it carries marked secrets, writes a redacted copy (streamed,
        /// whatever its size) and deletes the original: the archive never holds a secret in clear text.
        /// </summary>
        private void ArchiveJobFile(ShareAddress source, ShareAddress target)
        {
            bool marked;
            using (var input = _share.OpenRead(source))
            {
                if (input is null) return;
                marked = SecretRedactor.ContainsMarker(input);
                if (marked)
                {
                    input.Position = 0;
                    string staged = _share.Stage(target);
                    try
                    {
                        using (var output = new System.IO.FileStream(staged, System.IO.FileMode.CreateNew, System.IO.FileAccess.Write))
                            SecretRedactor.Redact(input, output);
                        _share.PublishStaged(staged, target);
                    }
                    catch
                    {
                        _share.DiscardStaged(staged);
                        throw;
                    }
                }
            }
            if (marked) _share.Delete(source);
            else _share.Move(source, target);
        }

        public bool HasResult(int lane, JobFileName job) => _share.KindOf(ResultAddress(lane, job.Stem.Text)) != EntryKind.Missing;

        /// <summary>A result this responder wrote itself (its own record says it finished the job).</summary>
        public bool HasOwnResult(int lane, JobFileName job) => HasResult(lane, job) && _record.WasFinished(lane, job.Stem.Text);
    }
}
