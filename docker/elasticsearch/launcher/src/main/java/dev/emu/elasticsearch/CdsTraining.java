package dev.emu.elasticsearch;

import org.elasticsearch.common.transport.TransportAddress;
import org.elasticsearch.http.HttpServerTransport;
import org.elasticsearch.node.Node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Build-time "training" run (-Demu.es.train=true): after the node started, exercise the usual REST paths once
 * so that their classes are loaded, then exit. Run with -XX:ArchiveClassesAtExit=FILE this produces an
 * application class-data-sharing archive that later nodes map with -XX:SharedArchiveFile=FILE, which
 * roughly halves start-up CPU time and lowers RSS.
 */
final class CdsTraining {
    private CdsTraining() {}

    static void run(Node node) throws IOException {
        TransportAddress http = node.injector().getInstance(HttpServerTransport.class).boundAddress().publishAddress();
        String base = "http://" + http.getAddress() + ":" + http.getPort();
        String json = "application/json";
        call(base, "GET", "/", null, null);
        call(base, "GET", "/_cluster/health?wait_for_status=green&timeout=30s", null, null);
        call(base, "PUT", "/train", json, "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0}}");
        call(base, "PUT", "/train/_doc/1?refresh=true", json, "{\"title\":\"hello world\",\"n\":1,\"t\":\"2024-01-01\"}");
        call(base, "POST", "/train/_bulk?refresh=true", "application/x-ndjson",
            "{\"index\":{\"_id\":\"2\",\"routing\":\"r\"}}\n{\"title\":\"second\",\"n\":2}\n");
        call(base, "GET", "/train/_doc/1", null, null);
        call(base, "GET", "/train/_doc/2?routing=r", null, null);
        call(base, "POST", "/train/_search", json,
            "{\"query\":{\"match\":{\"title\":\"hello\"}},\"aggs\":{\"n\":{\"terms\":{\"field\":\"title.keyword\"}}}}");
        call(base, "GET", "/train/_count", null, null);
        call(base, "GET", "/_cat/nodes?v", null, null);
        call(base, "GET", "/_cat/shards?v", null, null);
        call(base, "GET", "/_cat/indices?v", null, null);
        call(base, "GET", "/_cluster/state", null, null);
        call(base, "GET", "/_nodes", null, null);
        call(base, "DELETE", "/train", null, null);
    }

    private static void call(String base, String method, String path, String contentType, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(30_000);
        c.setReadTimeout(60_000);
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", contentType);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int code = c.getResponseCode();
        try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
            if (in != null) {
                in.readAllBytes();
            }
        }
        if (code >= 400) {
            throw new IOException(method + " " + path + " -> HTTP " + code);
        }
    }
}
