package io.routingpools.jpa;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

public interface NoteRepository extends JpaRepository<Note, Long> {

	// A query method declared here carries no @Transactional: it runs outside any
	// transaction, in auto-commit mode.
	List<Note> findByBody(String body);

}
