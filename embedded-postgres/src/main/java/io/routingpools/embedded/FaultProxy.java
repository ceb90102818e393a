package io.routingpools.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy in front of one {@link PostgresNode}, on a free loopback port, that cuts
 * the node off the network without touching the server: tests point clients at
 * {@link #jdbcUrl()} and switch the proxy between four modes.
 * <ul>
 * <li>{@link #pass()}, the default: bytes flow both ways unchanged.</li>
 * <li>{@link #delay(Duration)}: a slow network. Every chunk is forwarded, in order, only
 * once the delay has passed since the proxy read it, in each direction, so a query's
 * round trip takes at least twice the delay. It is latency, not a bandwidth limit: chunks
 * in flight do not wait for each other.</li>
 * <li>{@link #blackHole()}: a host whose packets are dropped (a partition, a pulled
 * cable). Nothing is forwarded any more, in either direction, from the next chunk on; the
 * proxy keeps reading and discarding what arrives, so no sender ever blocks on a full
 * buffer, and it sends neither FIN nor RST. New connections are accepted, never reach the
 * node and get no answer. A pgjdbc client hangs in its next read: a query fails once the
 * connection's {@code socketTimeout} or {@link java.sql.Connection#setNetworkTimeout
 * network timeout} expires (SQLSTATE 08006, caused by a
 * {@link java.net.SocketTimeoutException}), and a new connection fails once its
 * {@code loginTimeout} (SQLSTATE 08001) or {@code socketTimeout} expires. Without
 * timeouts the client hangs for good.</li>
 * <li>{@link #reset()}: a host that answers with RST (a crashed host back up, a firewall
 * rejecting). Every open connection is closed with an RST on both sides, and every new
 * connection is reset right after it is accepted. pgjdbc reports an I/O error: SQLSTATE
 * 08006 on an open connection ("An I/O error occurred while sending to the backend"),
 * 08001 on a new one.</li>
 * </ul>
 * Mode switches are thread-safe and apply at once to the connections already open, from
 * their next chunk on; a chunk whose write had already begun completes. Leaving
 * black-hole mode (for {@link #pass()} or {@link #delay(Duration)}) resets every
 * connection that lost bytes while black-holed, since its protocol stream is broken, and
 * every connection accepted while black-holed, since it never reached the node;
 * connections that lost nothing carry on. Leaving delay mode loses nothing: chunks still
 * held back are forwarded at once, in order, when switching to {@link #pass()}.
 * <p>
 * Each accepted connection connects to the node's port anew, so the proxy keeps working
 * across {@link PostgresNode#restart()} and {@link PostgresNode#kill()} /
 * {@link PostgresNode#start()}; while the node is down, connections through the proxy are
 * accepted and then reset. Blocking I/O on daemon threads named
 * {@code fault-proxy-<node>-<proxy port>-...}: one accepts, four move the bytes of each
 * connection. Get one with {@link PostgresNode#proxy()}; the cluster's {@code close()}
 * closes it.
 */
public final class FaultProxy implements AutoCloseable {

	/** What the proxy does with the bytes it reads; see {@link FaultProxy}. */
	public enum Mode {

		/** Forward unchanged. */
		PASS,

		/** Forward after a delay, in order. */
		DELAY,

		/** Read and drop everything; connect no new connection to the node. */
		BLACK_HOLE,

		/** Reset every connection, open or new. */
		RESET

	}

	private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);

	private static final int BUFFER_SIZE = 16 * 1024;

	/**
	 * Chunks read but not yet written, per direction: the reader blocks beyond that, so
	 * that a slow receiver slows the sender down as TCP would.
	 */
	private static final int QUEUE_CAPACITY = 256;

	private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

	private static final Duration ACCEPTOR_EXIT_TIMEOUT = Duration.ofSeconds(10);

	private final PostgresNode node;

	private final ServerSocket serverSocket;

	private final Thread acceptor;

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private final AtomicLong connectionCount = new AtomicLong();

	/** Guarded by {@code this}, like {@link #delay} and {@link #closed}. */
	private volatile Mode mode = Mode.PASS;

	private volatile Duration delay = Duration.ZERO;

	private boolean closed;

	private FaultProxy(PostgresNode node, ServerSocket serverSocket) {
		this.node = node;
		this.serverSocket = serverSocket;
		this.acceptor = new Thread(this::acceptLoop, threadName("accept"));
		this.acceptor.setDaemon(true);
	}

	/** Listens on a free loopback port and forwards to {@code node}. */
	static FaultProxy start(PostgresNode node) {
		FaultProxy proxy = Unchecked.get("start a fault proxy for " + node.name(), () -> {
			ServerSocket serverSocket = new ServerSocket();
			try {
				serverSocket.bind(new InetSocketAddress(InetAddress.getByName(node.host()), 0));
			}
			catch (IOException e) {
				serverSocket.close();
				throw e;
			}
			return new FaultProxy(node, serverSocket);
		});
		proxy.acceptor.start();
		log.debug("Started {}", proxy);
		return proxy;
	}

	/** The proxy's own loopback port. */
	public int port() {
		return serverSocket.getLocalPort();
	}

	/**
	 * {@code jdbc:postgresql://127.0.0.1:<proxy port>/<database>}: the node's
	 * {@link PostgresNode#jdbcUrl() URL} with the proxy's port.
	 */
	public String jdbcUrl() {
		return node.jdbcUrl(port());
	}

	/** The current mode. */
	public Mode mode() {
		return mode;
	}

	/**
	 * Forwards bytes both ways unchanged, the default. Coming from black-hole mode,
	 * resets the connections that lost bytes or never reached the node; coming from delay
	 * mode, forwards the chunks held back at once.
	 */
	public void pass() {
		switchTo(Mode.PASS, Duration.ZERO);
	}

	/**
	 * Forwards every chunk in either direction only once {@code latency} has passed since
	 * the proxy read it, keeping the order. Coming from black-hole mode, resets the
	 * connections that lost bytes or never reached the node.
	 * @throws IllegalArgumentException if {@code latency} is negative
	 */
	public void delay(Duration latency) {
		Objects.requireNonNull(latency, "latency");
		if (latency.isNegative()) {
			throw new IllegalArgumentException("latency must not be negative: " + latency);
		}
		switchTo(Mode.DELAY, latency);
	}

	/**
	 * Drops every byte from now on, in both directions, on open and new connections,
	 * without FIN or RST: the node looks like a host cut off the network.
	 */
	public void blackHole() {
		switchTo(Mode.BLACK_HOLE, Duration.ZERO);
	}

	/**
	 * Resets every open connection (RST to the client and to the node) and, until the
	 * mode changes, every new one right after accepting it.
	 */
	public void reset() {
		switchTo(Mode.RESET, Duration.ZERO);
	}

	/**
	 * Stops accepting (new connections are refused once this returns) and closes every
	 * connection with an RST. Does nothing when called again. Mode switches after that
	 * are ignored.
	 */
	@Override
	public void close() {
		synchronized (this) {
			if (closed) {
				return;
			}
			closed = true;
			notifyAll();
		}
		try {
			serverSocket.close();
		}
		catch (IOException e) {
			log.debug("Closing the listening socket of {} failed", this, e);
		}
		// The kernel closes the listening socket only once the acceptor has left
		// accept():
		// until then it would still accept connections.
		awaitAcceptorExit();
		links.forEach(Link::reset);
		log.debug("Closed {}", this);
	}

	synchronized boolean isClosed() {
		return closed;
	}

	@Override
	public String toString() {
		Mode current = mode;
		return "FaultProxy " + node.host() + ":" + port() + " -> " + node + ", " + current
				+ ((current == Mode.DELAY) ? " " + delay.toMillis() + " ms" : "");
	}

	// ---- internals

	private void awaitAcceptorExit() {
		if (Thread.currentThread() == acceptor) {
			return;
		}
		try {
			acceptor.join(ACCEPTOR_EXIT_TIMEOUT.toMillis());
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return;
		}
		if (acceptor.isAlive()) {
			log.warn("The acceptor of {} did not stop within {}", this, ACCEPTOR_EXIT_TIMEOUT);
		}
	}

	private void switchTo(Mode newMode, Duration newDelay) {
		List<Link> broken = new ArrayList<>();
		boolean changed;
		synchronized (this) {
			if (closed) {
				return;
			}
			changed = newMode != mode || !newDelay.equals(delay);
			mode = newMode;
			delay = newDelay;
			for (Link link : links) {
				if (newMode == Mode.RESET || (newMode != Mode.BLACK_HOLE && link.lostBytes)) {
					broken.add(link);
				}
			}
			// Wakes the writers that hold chunks back, to look at the new mode.
			notifyAll();
		}
		// Reset outside the lock: closing a socket must not wait for a pump.
		broken.forEach(Link::reset);
		if (changed) {
			log.info("Fault proxy of {} now in mode {}{}{}", node.name(), newMode,
					(newMode == Mode.DELAY) ? " " + newDelay.toMillis() + " ms" : "",
					broken.isEmpty() ? "" : ", reset " + broken.size() + " connection(s)");
		}
	}

	private void acceptLoop() {
		while (true) {
			Socket client;
			try {
				client = serverSocket.accept();
			}
			catch (IOException e) {
				if (!serverSocket.isClosed()) {
					log.warn("{} stops accepting connections", this, e);
				}
				return;
			}
			Link link = new Link(client, connectionCount.incrementAndGet());
			Mode accepted;
			synchronized (this) {
				accepted = closed ? Mode.RESET : mode;
				if (accepted != Mode.RESET) {
					// Under the lock, so that a switch to reset mode sees it.
					links.add(link);
				}
				if (accepted == Mode.BLACK_HOLE) {
					link.lostBytes = true; // never reaches the node
				}
			}
			if (accepted == Mode.RESET) {
				link.reset();
			}
			else {
				link.open(accepted == Mode.BLACK_HOLE);
			}
		}
	}

	/**
	 * Decides, for a chunk just read, whether to queue it and when it is due.
	 * @return the delay in nanoseconds, or {@code -1} if black-holed (dropped)
	 * @throws Reset if the link is to be reset
	 */
	private synchronized long delayOnRead(Link link) throws Reset {
		if (!forwarding(link)) {
			return -1;
		}
		return (mode == Mode.DELAY) ? delay.toNanos() : 0;
	}

	/**
	 * Waits until a queued chunk is due, or the mode changes to pass.
	 * @return whether to write it; {@code false} if black-holed (dropped)
	 * @throws Reset if the link is to be reset
	 */
	private synchronized boolean awaitDue(Link link, long due) throws InterruptedException, Reset {
		while (forwarding(link)) {
			long wait = due - System.nanoTime();
			if (mode == Mode.PASS || wait <= 0) {
				return true;
			}
			TimeUnit.NANOSECONDS.timedWait(this, wait);
		}
		return false;
	}

	/**
	 * Under the lock: whether the mode forwards bytes, noting in the link if it drops
	 * them.
	 * @throws Reset if the link is to be reset
	 */
	private boolean forwarding(Link link) throws Reset {
		Mode current = closed ? Mode.RESET : mode;
		if (current == Mode.RESET || link.isClosed()) {
			throw new Reset();
		}
		if (current == Mode.BLACK_HOLE) {
			link.lostBytes = true;
			return false;
		}
		if (link.lostBytes) {
			// Lost bytes while black-holed: the switch that ended it is resetting it.
			throw new Reset();
		}
		return true;
	}

	/** {@code fault-proxy-<node>-<proxy port>-<role>} */
	private String threadName(String role) {
		return threadNamePrefix() + role;
	}

	String threadNamePrefix() {
		return "fault-proxy-" + node.name() + "-" + port() + "-";
	}

	/**
	 * Bytes read from one side, or its end of stream, to write to the other once
	 * {@code due}.
	 */
	private static final class Chunk {

		final byte[] bytes;

		final boolean endOfStream;

		/** {@link System#nanoTime()} */
		final long due;

		Chunk(byte[] bytes, boolean endOfStream, long due) {
			this.bytes = bytes;
			this.endOfStream = endOfStream;
			this.due = due;
		}

	}

	/** Thrown inside a pump when its connection is to be reset. */
	private static final class Reset extends Exception {

		private static final long serialVersionUID = 1L;

		Reset() {
			super(null, null, false, false);
		}

	}

	/**
	 * One client connection and, unless accepted while black-holed, its node connection.
	 */
	private final class Link {

		private final Socket client;

		private final long id;

		/** Guarded by {@code this}, like {@link #closed}. */
		private @Nullable Socket server;

		private boolean closed;

		private final List<Thread> threads = new ArrayList<>();

		/** Directions whose end of stream has been forwarded. */
		private final AtomicInteger finished = new AtomicInteger();

		/**
		 * Whether bytes (or an end of stream) were dropped; guarded by the proxy's lock.
		 */
		boolean lostBytes;

		Link(Socket client, long id) {
			this.client = client;
			this.id = id;
		}

		/** Starts the pumps. */
		void open(boolean blackHoled) {
			if (blackHoled) {
				start("drop", () -> dropAll(client));
			}
			else {
				start("from-client-read", this::connectAndPump);
			}
		}

		private void connectAndPump() {
			Socket upstream = new Socket();
			try {
				upstream.setTcpNoDelay(true);
				client.setTcpNoDelay(true);
				upstream.connect(new InetSocketAddress(InetAddress.getByName(node.host()), node.port()),
						CONNECT_TIMEOUT_MILLIS);
			}
			catch (IOException e) {
				log.debug("{} connection {} could not reach the node: {}", node.name(), id, e.toString());
				closeQuietly(upstream);
				reset();
				return;
			}
			synchronized (this) {
				if (closed) {
					abort(upstream);
					return;
				}
				server = upstream;
			}
			BlockingQueue<Chunk> toServer = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
			BlockingQueue<Chunk> toClient = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
			start("to-node-write", () -> write(toServer, upstream));
			start("from-node-read", () -> read(upstream, toClient));
			start("to-client-write", () -> write(toClient, client));
			// This thread, "from-client-read", reads from the client.
			read(client, toServer);
		}

		/** Reads from {@code from} and queues what is to be forwarded. */
		private void read(Socket from, BlockingQueue<Chunk> queue) {
			byte[] buffer = new byte[BUFFER_SIZE];
			try {
				InputStream in = from.getInputStream();
				while (true) {
					int count = in.read(buffer);
					long read = System.nanoTime();
					long delayNanos = delayOnRead(this);
					if (delayNanos >= 0) {
						byte[] bytes = (count < 0) ? new byte[0] : Arrays.copyOf(buffer, count);
						queue.put(new Chunk(bytes, count < 0, read + delayNanos));
					}
					if (count < 0) {
						return;
					}
				}
			}
			catch (IOException e) {
				// The peer reset the connection, or we closed the socket
				onFailure(e);
			}
			catch (Reset e) {
				reset();
			}
			catch (InterruptedException e) {
				// reset() interrupts the pumps
			}
		}

		/** Writes the queued chunks to {@code to} once they are due. */
		private void write(BlockingQueue<Chunk> queue, Socket to) {
			try {
				while (true) {
					Chunk chunk = queue.take();
					if (!awaitDue(this, chunk.due)) {
						continue; // dropped
					}
					if (chunk.endOfStream) {
						to.shutdownOutput();
						if (finished.incrementAndGet() == 2) {
							close();
						}
						return;
					}
					to.getOutputStream().write(chunk.bytes);
				}
			}
			catch (IOException e) {
				onFailure(e);
			}
			catch (Reset e) {
				reset();
			}
			catch (InterruptedException e) {
				// reset() interrupts the pumps
			}
		}

		/** Reads and drops everything the client sends, until it goes away. */
		private void dropAll(Socket from) {
			byte[] buffer = new byte[BUFFER_SIZE];
			try {
				InputStream in = from.getInputStream();
				while (in.read(buffer) >= 0) {
					// dropped
				}
			}
			catch (IOException e) {
				// reset, or closed by us; nothing to tell anyone
			}
		}

		/**
		 * A failed read or write: the peer reset the connection (then reset the other
		 * side too, unless black-holed) or the link was closed meanwhile.
		 */
		private void onFailure(IOException e) {
			if (isClosed()) {
				return;
			}
			synchronized (FaultProxy.this) {
				if (mode == Mode.BLACK_HOLE) {
					// The RST is lost in the black hole too.
					lostBytes = true;
					return;
				}
			}
			log.debug("{} connection {} failed: {}", node.name(), id, e.toString());
			reset();
		}

		synchronized boolean isClosed() {
			return closed;
		}

		/** Closes both sides with an RST and stops the pumps. */
		void reset() {
			end(true);
		}

		/** Closes both sides after both ends of stream were forwarded. */
		private void close() {
			end(false);
		}

		private void end(boolean abortive) {
			List<Thread> pumps;
			Socket upstream;
			synchronized (this) {
				if (closed) {
					return;
				}
				closed = true;
				pumps = new ArrayList<>(threads);
				upstream = server;
			}
			links.remove(this);
			for (Socket socket : (upstream != null) ? List.of(client, upstream) : List.of(client)) {
				if (abortive) {
					abort(socket);
				}
				else {
					closeQuietly(socket);
				}
			}
			for (Thread pump : pumps) {
				if (pump != Thread.currentThread()) {
					pump.interrupt();
				}
			}
			log.debug("{} connection {} {}", node.name(), id, abortive ? "reset" : "closed");
		}

		private void start(String role, Runnable pump) {
			Thread thread = new Thread(pump, threadName(id + "-" + role));
			thread.setDaemon(true);
			synchronized (this) {
				// Started under the lock, so that end() interrupts every pump it started.
				if (!closed) {
					threads.add(thread);
					thread.start();
				}
			}
		}

	}

	private static void abort(Socket socket) {
		try {
			socket.setSoLinger(true, 0);
		}
		catch (SocketException e) {
			// already closed
		}
		closeQuietly(socket);
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException e) {
			// nothing left to do
		}
	}

}
