using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Outpost.Core.Dispatch
{
    /// <summary>
    /// Interpreter processes started ahead of the jobs that will use them. Each spare serves exactly
    /// one job and is never reused: taking one hands its process to the job and starts a replacement.
    /// A spare that dies, outlives <see cref="WarmSettings.MaxAge"/>, or was started from an
    /// interpreter binary that has since changed is dropped; a new configuration retires them all.
    /// </summary>
    public sealed class SparePool : IDisposable
    {
        private static readonly TimeSpan TidyEvery = TimeSpan.FromSeconds(20);
        private static readonly TimeSpan EarlyDeath = TimeSpan.FromSeconds(10);

        private readonly object _gate = new object();
        private readonly List<Spare> _idle = new List<Spare>();
        private readonly Dictionary<string, SpareBackoff> _backoff = new Dictionary<string, SpareBackoff>(StringComparer.Ordinal);
        private readonly int _lanes;
        private readonly string _folder;
        private readonly string _workingDirectory;
        private readonly Func<InterpreterTable> _table;
        private readonly Timer _tidy;
        private WarmSettings _settings;
        private bool _disposed;

        /// <param name="folder">The responder's private script folder (0700), where the PowerShell bootstrap lives.</param>
        public SparePool(WarmSettings settings, int lanes, string folder, string workingDirectory, Func<InterpreterTable> table)
        {
            _settings = settings;
            _lanes = Math.Max(1, lanes);
            _folder = folder;
            _workingDirectory = workingDirectory;
            _table = table;
            _tidy = new Timer(_ => Tidy(), null, TidyEvery, TidyEvery);
        }

        /// <summary>Said when spares of an extension keep dying, so an operator learns why jobs start cold.</summary>
        public Action<string>? Warning { get; set; }

        /// <summary>Process ids of the spares waiting now for an extension (tests and the benchmark).</summary>
        public IReadOnlyList<int> SpareIds(string extension)
        {
            lock (_gate) return _idle.Where(s => s.Extension == extension && !s.Tree.Exited.IsCompleted).Select(s => s.Tree.Id).ToList();
        }

        /// <summary>Starts spares until every warm extension in the dispatch table has its share.</summary>
        public void Fill()
        {
            lock (_gate)
            {
                // Windows starts children with stdin at NUL (WindowsChildProcess): no spares there yet, jobs start cold.
                if (_disposed || !_settings.Enabled || System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows)) return;
                int wanted = _settings.SparesPerLane * _lanes;
                foreach (var interpreter in _table().Interpreters)
                {
                    if (!_settings.Covers(interpreter.Extension)) continue;
                    if (_backoff.TryGetValue(interpreter.Extension, out var backoff) && DateTime.UtcNow < backoff.NotBefore) continue;
                    var stamp = InterpreterStamp.Of(interpreter);
                    if (stamp == null) continue;
                    int have = _idle.Count(s => s.Extension == interpreter.Extension && s.Stamp.Equals(stamp));
                    for (; have < wanted; have++)
                    {
                        if (!TryStart(interpreter, stamp)) break;
                    }
                }
            }
        }

        /// <summary>
        /// Hands a waiting spare the job and returns its process, now the job's; null when there is none
        /// fit to use (the caller starts the job cold). Never throws.
        /// </summary>
        internal ProcessTree? TryTake(Interpreter interpreter, string scriptPath, string workingDirectory)
        {
            ProcessTree? taken = null;
            try
            {
                if (!_settings.Covers(interpreter.Extension) || !Directory.Exists(workingDirectory)) return null;
                var stamp = InterpreterStamp.Of(interpreter);
                if (stamp == null) return null;
                while (taken == null)
                {
                    Spare? spare = Pop(interpreter.Extension, stamp);
                    if (spare == null) break;
                    byte[]? order = spare.Recipe.Order(workingDirectory, scriptPath);
                    if (order == null)
                    {
                        Push(spare); // this job's paths cannot travel as lines; the spare waits for the next
                        return null;
                    }
                    if (spare.TryHandOver(order)) taken = spare.Tree;
                    else spare.Discard();
                }
                return taken;
            }
            finally
            {
                Replenish();
            }
        }

        /// <summary>A new configuration or dispatch table: every waiting spare is ended and fresh ones started.</summary>
        public void Retire(WarmSettings? settings = null)
        {
            List<Spare> retired;
            lock (_gate)
            {
                if (settings != null) _settings = settings;
                retired = _idle.ToList();
                _idle.Clear();
                _backoff.Clear();
            }
            foreach (var spare in retired) spare.Discard();
            Replenish();
        }

        public void Dispose()
        {
            List<Spare> left;
            lock (_gate)
            {
                _disposed = true;
                left = _idle.ToList();
                _idle.Clear();
            }
            _tidy.Dispose();
            foreach (var spare in left) spare.Discard();
        }

        private Spare? Pop(string extension, InterpreterStamp stamp)
        {
            var dropped = new List<Spare>();
            Spare? chosen = null;
            lock (_gate)
            {
                foreach (var spare in _idle.Where(s => s.Extension == extension).ToList())
                {
                    if (spare.Tree.Exited.IsCompleted || !spare.Stamp.Equals(stamp) || spare.Age > _settings.MaxAge)
                    {
                        _idle.Remove(spare);
                        dropped.Add(spare);
                    }
                    else if (chosen == null)
                    {
                        _idle.Remove(spare);
                        chosen = spare;
                    }
                }
            }
            foreach (var spare in dropped) spare.Discard();
            return chosen;
        }

        private void Push(Spare spare)
        {
            lock (_gate)
            {
                if (!_disposed)
                {
                    _idle.Add(spare);
                    return;
                }
            }
            spare.Discard();
        }

        /// <summary>Replacements start off the job's path: the job is already running when they do.</summary>
        private void Replenish() => Task.Run(() => Fill());

        /// <summary>Drops spares that went stale (too old, or their interpreter binary changed) and refills.</summary>
        private void Tidy()
        {
            var dropped = new List<Spare>();
            lock (_gate)
            {
                if (_disposed) return;
                var table = _table();
                foreach (var spare in _idle.ToList())
                {
                    var interpreter = table.Find(spare.Extension);
                    var stamp = interpreter == null ? null : InterpreterStamp.Of(interpreter);
                    if (spare.Age > _settings.MaxAge || stamp == null || !spare.Stamp.Equals(stamp) || spare.Tree.Exited.IsCompleted)
                    {
                        _idle.Remove(spare);
                        dropped.Add(spare);
                    }
                }
            }
            foreach (var spare in dropped) spare.Discard();
            Fill();
        }

        // Called with _gate held.
        private bool TryStart(Interpreter interpreter, InterpreterStamp stamp)
        {
            SpareRecipe? recipe;
            ProcessTree tree;
            try
            {
                recipe = SpareRecipe.For(interpreter, _folder);
                if (recipe == null) return false;
                tree = ProcessTree.Start(recipe.Program, recipe.Arguments, _workingDirectory, keepInput: true);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is IOException ||
                                      e is InvalidOperationException || e is UnauthorizedAccessException)
            {
                NoteDeath(interpreter.Extension, "could not start a spare: " + e.Message);
                return false;
            }
            var spare = new Spare(interpreter.Extension, stamp, recipe, tree);
            _idle.Add(spare);
            tree.Exited.ContinueWith(_ => OnExited(spare), TaskScheduler.Default);
            return true;
        }

        /// <summary>A spare ended while waiting (not one handed to a job): replace it, backing off if they keep dying.</summary>
        private void OnExited(Spare spare)
        {
            lock (_gate)
            {
                if (!_idle.Remove(spare)) return; // taken or retired: not ours to mourn
                if (spare.Age < EarlyDeath) NoteDeath(spare.Extension, $"a .{spare.Extension} spare exited with {SafeExitCode(spare.Tree)} right after it started");
                else _backoff.Remove(spare.Extension);
            }
            spare.Discard();
            Replenish();
        }

        // Called with _gate held.
        private void NoteDeath(string extension, string why)
        {
            _backoff.TryGetValue(extension, out var backoff);
            int failures = (backoff?.Failures ?? 0) + 1;
            var delay = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, failures)));
            _backoff[extension] = new SpareBackoff(failures, DateTime.UtcNow + delay);
            if (failures == 3) Warning?.Invoke(why + $"; .{extension} jobs start cold while this repeats");
            // Try again once the back-off has passed, even if no job comes to trigger it.
            Task.Delay(delay).ContinueWith(_ => Fill(), TaskScheduler.Default);
        }

        private static string SafeExitCode(ProcessTree tree)
        {
            try { return tree.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture); }
            catch (InvalidOperationException) { return "an unknown status"; }
        }

        private sealed class SpareBackoff
        {
            public SpareBackoff(int failures, DateTime notBefore)
            {
                Failures = failures;
                NotBefore = notBefore;
            }

            public int Failures { get; }
            public DateTime NotBefore { get; }
        }
    }

    /// <summary>One started interpreter, waiting for its job.</summary>
    internal sealed class Spare
    {
        private readonly DateTime _started = DateTime.UtcNow;

        public Spare(string extension, InterpreterStamp stamp, SpareRecipe recipe, ProcessTree tree)
        {
            Extension = extension;
            Stamp = stamp;
            Recipe = recipe;
            Tree = tree;
        }

        public string Extension { get; }
        public InterpreterStamp Stamp { get; }
        public SpareRecipe Recipe { get; }
        public ProcessTree Tree { get; }
        public TimeSpan Age => DateTime.UtcNow - _started;

        /// <summary>Writes the order and closes stdin; false when the spare is gone (the job then starts cold).</summary>
        public bool TryHandOver(byte[] order)
        {
            if (Tree.Exited.IsCompleted) return false;
            try
            {
                Tree.StandardInput.Write(order, 0, order.Length);
                Tree.StandardInput.Flush();
                Tree.StandardInput.Dispose();
                return true;
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException || e is InvalidOperationException)
            {
                return false;
            }
        }

        public void Discard()
        {
            if (!Tree.Exited.IsCompleted) Tree.Kill(); // an exited spare's pid may already belong to someone else
            Tree.Dispose();
        }
    }

    /// <summary>What a spare was started from: the interpreter, its arguments, and its binary's size and time.</summary>
    internal sealed class InterpreterStamp : IEquatable<InterpreterStamp>
    {
        private readonly string _identity;

        private InterpreterStamp(string identity) => _identity = identity;

        public static InterpreterStamp? Of(Interpreter interpreter)
        {
            try
            {
                var file = new FileInfo(interpreter.Path);
                if (!file.Exists) return null;
                return new InterpreterStamp(string.Join("\u0001", new[] { interpreter.Path, file.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    file.LastWriteTimeUtc.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(interpreter.Arguments)));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException)
            {
                return null;
            }
        }

        public bool Equals(InterpreterStamp? other) => other != null && other._identity == _identity;
        public override bool Equals(object? obj) => Equals(obj as InterpreterStamp);
        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_identity);
    }
}
